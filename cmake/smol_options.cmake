# Compiler flags shared by every target of the project.
add_library(smol_flags INTERFACE)
target_compile_options(smol_flags INTERFACE -Wall -Wextra -Wpedantic -Wshadow
  -Werror=return-type)
if(SMOL_SANITIZE)
  target_compile_options(smol_flags INTERFACE -fsanitize=address,undefined -fno-sanitize-recover=all
    -fno-omit-frame-pointer)
  target_link_options(smol_flags INTERFACE -fsanitize=address,undefined)
endif()

# Register a GoogleTest executable with CTest under a layer label.
function(smol_add_gtest name label)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE GTest::gtest_main smol_flags)
  gtest_discover_tests(${name} PROPERTIES LABELS ${label} DISCOVERY_TIMEOUT 60)
endfunction()

# Instruction-set flags for the SIMD kernel files only: the rest of the code stays baseline x86-64, and the
# kernels are called only after run-time CPU detection (common/cpu_features.h).
#   smol_simd_sources(avx2|avx512|avx512vnni|amx FILES...): the flags of one kernel tier (common/cpu_features.h
#   says what each tier needs at run time; keep the two in step). avx512vnni is the avx512 tier's int8
#   kernel, in a file of its own: it runs only where CPUID reports AVX512-VNNI as well.
function(smol_simd_sources tier)
  if(NOT CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
    return()
  endif()
  set(flags -mavx2 -mfma -mf16c)
  if(tier STREQUAL "avx512")
    list(APPEND flags -mavx512f -mavx512bw -mavx512vl -mavx512dq)
  elseif(tier STREQUAL "avx512vnni")
    list(APPEND flags -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512vnni)
  elseif(tier STREQUAL "amx")
    list(APPEND flags -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512vnni -mamx-tile -mamx-int8 -mamx-bf16)
  elseif(NOT tier STREQUAL "avx2")
    message(FATAL_ERROR "smol_simd_sources: unknown tier ${tier}")
  endif()
  set_source_files_properties(${ARGN} PROPERTIES COMPILE_OPTIONS "${flags}")
endfunction()
