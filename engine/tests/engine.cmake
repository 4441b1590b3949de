smol_add_gtest(engine_tests engine model_file_test.cpp transformer_test.cpp sampler_test.cpp quantize_test.cpp)
target_link_libraries(engine_tests PRIVATE smol_engine)
