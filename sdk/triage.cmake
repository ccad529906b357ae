# The triage core (P5): text normalisation, hashed features, the quantised linear
# model and its trainer, signals and personal-data masking. Sans-I/O and built without
# exceptions, so the very same code links into the Wasm module, the relay, the tests
# and tools/parley-triage. Included from sdk/CMakeLists.txt.
set(PARLEY_TRIAGE_DIR ${CMAKE_CURRENT_LIST_DIR})

add_library(parley_triage STATIC
  ${PARLEY_TRIAGE_DIR}/src/triage/normalize.cpp
  ${PARLEY_TRIAGE_DIR}/src/triage/features.cpp
  ${PARLEY_TRIAGE_DIR}/src/triage/model.cpp
  ${PARLEY_TRIAGE_DIR}/src/triage/trainer.cpp
  ${PARLEY_TRIAGE_DIR}/src/triage/hidden_trainer.cpp
  ${PARLEY_TRIAGE_DIR}/src/triage/metrics.cpp
  ${PARLEY_TRIAGE_DIR}/src/triage/dataset.cpp
  ${PARLEY_TRIAGE_DIR}/src/triage/signals.cpp
  ${PARLEY_TRIAGE_DIR}/src/triage/pii.cpp
  ${PARLEY_TRIAGE_DIR}/src/triage/analysis.cpp)
target_include_directories(parley_triage PUBLIC ${PARLEY_TRIAGE_DIR}/include)
target_compile_features(parley_triage PUBLIC cxx_std_17)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  # -fno-exceptions natively too, so a throwing call cannot sneak in unnoticed.
  # No -ffast-math: identical predictions natively and in Wasm need strict IEEE math.
  target_compile_options(parley_triage PRIVATE -fno-exceptions -Wall -Wextra)
  # The trainers' AdaGrad loops take a square root per weight; without errno handling
  # the compiler can vectorise them. sqrt is exact in IEEE either way: same bytes.
  set_source_files_properties(${PARLEY_TRIAGE_DIR}/src/triage/trainer.cpp
    ${PARLEY_TRIAGE_DIR}/src/triage/hidden_trainer.cpp PROPERTIES COMPILE_OPTIONS -fno-math-errno)
endif()

# The triage C API (parley/triage_c_api.h): JSON out, handles in; what the Wasm module
# exports to the widget. Needs nlohmann/json (parley_json), which the stand-alone
# benchmark build does not define, so it is only added when that target exists.
if(TARGET parley_json)
  add_library(parley_triage_c STATIC ${PARLEY_TRIAGE_DIR}/src/triage/c_api.cpp)
  target_link_libraries(parley_triage_c PUBLIC parley_triage PRIVATE parley_json)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(parley_triage_c PRIVATE -fno-exceptions -Wall -Wextra)
    target_compile_definitions(parley_triage_c PRIVATE JSON_NOEXCEPTION)
  endif()
endif()
