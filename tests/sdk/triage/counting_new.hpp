// Counts the program's calls to operator new, so a test can say "this allocates
// nothing". Linked only into triage_allocation_tests: it replaces the global
// operator new and delete, which must happen once per program.
#pragma once

#include <cstddef>

namespace counting_new {

// Calls to any form of operator new since the program started.
std::size_t allocations();

// Allocations made while `f` runs.
template <typename F>
std::size_t during(F&& f) {
    const std::size_t before = allocations();
    f();
    return allocations() - before;
}

}  // namespace counting_new
