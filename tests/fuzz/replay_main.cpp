// The corpus replay without libFuzzer: a main() that hands each file named on the command
// line (each file of a directory named there) to the target's LLVMFuzzerTestOneInput, once,
// in name order. Linked with the same target source, it lets any compiler's build replay
// the seed corpus; ./toolchain/check does so in both suites, so the replay runs under
// GCC's AddressSanitizer and UndefinedBehaviorSanitizer without a clang build of its own.
// Fuzzing itself needs libFuzzer: the clang build (PARLEY_FUZZ=ON, tests/fuzz/run.sh).
//
// LLVM ships the same idea as compiler-rt's StandaloneFuzzTargetMain.c; Debian packages it
// in no -dev package, and twenty lines are less than vendoring it.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

// The files a command-line argument names: itself, or a directory's regular files sorted.
std::vector<fs::path> inputs_of(const fs::path& arg) {
    if (!fs::is_directory(arg)) return {arg};
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(arg))
        if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s FILE_OR_DIR...\n", argv[0]);
        return 2;
    }
    std::size_t ran = 0;
    for (int i = 1; i < argc; ++i) {
        std::error_code exists_error;
        if (!fs::exists(argv[i], exists_error)) {
            std::fprintf(stderr, "%s: no such file or directory\n", argv[i]);
            return 2;
        }
        for (const fs::path& file : inputs_of(argv[i])) {
            std::ifstream in(file, std::ios::binary);
            if (!in) {
                std::fprintf(stderr, "%s: cannot read\n", file.c_str());
                return 2;
            }
            const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            // A copy of exactly its size on the heap, as libFuzzer gives it: AddressSanitizer
            // then reports a read one byte past the input.
            std::vector<std::uint8_t> input(bytes.begin(), bytes.end());
            LLVMFuzzerTestOneInput(input.empty() ? nullptr : input.data(), input.size());
            ++ran;
        }
    }
    std::printf("replayed %zu input(s)\n", ran);
    // An empty corpus replays nothing: that is a mistake in the test, not a pass.
    return ran > 0 ? 0 : 1;
}
