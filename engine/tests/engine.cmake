# Each engine test binary runs once per kernel tier (common/cpu_features.h), its CTest names prefixed
# "portable.", "avx2.", "avx512." and "amx." (SMOL_SIMD=<tier>). On a CPU without a tier its tests are skipped with
# the reason (simd_tier_environment.cpp), which CTest reports as skipped.
set(SMOL_SIMD_TIERS portable avx2 avx512 amx)
function(smol_engine_gtest name)
  add_executable(${name} ${ARGN} ${PROJECT_SOURCE_DIR}/engine/tests/simd_tier_environment.cpp)
  target_link_libraries(${name} PRIVATE GTest::gtest_main smol_flags smol_engine)
  foreach(tier ${SMOL_SIMD_TIERS})
    gtest_discover_tests(${name} TEST_PREFIX "${tier}." PROPERTIES LABELS engine ENVIRONMENT SMOL_SIMD=${tier}
                         SKIP_REGULAR_EXPRESSION "\\[  SKIPPED \\]|this tier is not tested here"
                         DISCOVERY_TIMEOUT 60)
  endforeach()
endfunction()

smol_engine_gtest(engine_tests transformer_test.cpp sampler_test.cpp
                  thread_pool_test.cpp kernels_test.cpp int8_activation_test.cpp)
# Its own binary: it replaces the global operator new to count allocations.
smol_engine_gtest(engine_decode_alloc_tests decode_alloc_test.cpp)
