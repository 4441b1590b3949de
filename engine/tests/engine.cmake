# Each engine test binary runs twice: on the kernels the CPU selects (AVX2 where it has it) and, with the
# "portable." prefix, on the portable kernels (SMOL_SIMD=portable, engine/src/cpu_features.h).
function(smol_engine_gtest name)
  smol_add_gtest(${name} engine ${ARGN})
  target_link_libraries(${name} PRIVATE smol_engine)
  gtest_discover_tests(${name} TEST_PREFIX "portable." PROPERTIES LABELS engine ENVIRONMENT SMOL_SIMD=portable
                       DISCOVERY_TIMEOUT 60)
endfunction()

smol_engine_gtest(engine_tests transformer_test.cpp sampler_test.cpp
                  thread_pool_test.cpp kernels_test.cpp)
# Its own binary: it replaces the global operator new to count allocations.
smol_engine_gtest(engine_decode_alloc_tests decode_alloc_test.cpp)
