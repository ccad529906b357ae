# Parley's Emscripten toolchain: Debian's emscripten (3.1.6) as packaged in
# /usr/share/emscripten. Use through toolchain/build, which also sets
# NODE_PATH=/usr/share/nodejs: emcc's JS optimiser needs Debian's node-acorn, and an
# environment variable set here would reach only the configure step, not the build.
set(PARLEY_EMSCRIPTEN_ROOT /usr/share/emscripten CACHE PATH "Emscripten install")
include(${PARLEY_EMSCRIPTEN_ROOT}/cmake/Modules/Platform/Emscripten.cmake)
