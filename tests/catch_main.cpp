// Catch2's main, compiled once into parley_catch_main and linked by every test program:
// this one translation unit takes ~20 s (longer under ASan), and each test folder used
// to compile its own copy.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
