# libFuzzer targets (docs/robustness.md item 22), clang only, off by default:
#   cmake -S . -B build-fuzz -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DSMOL_FUZZ=ON
#   cmake --build build-fuzz --target smol_fuzzers && ctest --test-dir build-fuzz -L fuzz
# With the option on, every library is built with coverage instrumentation and ASan+UBSan (through
# smol_flags), so the fuzzers link the same libraries the product uses, not copies of their sources.
option(SMOL_FUZZ "Build the libFuzzer targets (needs clang)" OFF)
set(SMOL_FUZZ_SECONDS 20 CACHE STRING "How long each fuzzer runs as a CTest smoke test")

if(SMOL_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "SMOL_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  target_compile_options(smol_flags INTERFACE -fsanitize=fuzzer-no-link,address,undefined
    -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(smol_flags INTERFACE -fsanitize=address,undefined)
  add_custom_target(smol_fuzzers)
endif()

# smol_add_fuzzer(NAME SOURCE LIBS... [SEEDS DIR]): a libFuzzer executable and a seeded CTest smoke run
# (label `fuzz`). New inputs go to a corpus folder in the build tree; SEEDS, read-only, starts it off.
function(smol_add_fuzzer name source)
  if(NOT SMOL_FUZZ)
    return()
  endif()
  cmake_parse_arguments(PARSE_ARGV 2 fz "" "SEEDS" "")
  add_executable(${name} ${source})
  target_link_libraries(${name} PRIVATE smol_flags ${fz_UNPARSED_ARGUMENTS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  add_dependencies(smol_fuzzers ${name})
  set(corpus ${CMAKE_CURRENT_BINARY_DIR}/${name}_corpus)
  file(MAKE_DIRECTORY ${corpus})
  add_test(NAME fuzz.${name}
    COMMAND ${name} -seed=1 -max_total_time=${SMOL_FUZZ_SECONDS} -timeout=10 -rss_limit_mb=2048
            -print_final_stats=1 ${corpus} ${fz_SEEDS})
  set_tests_properties(fuzz.${name} PROPERTIES LABELS fuzz TIMEOUT 300)
endfunction()
