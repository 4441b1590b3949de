# Checkpoint loading (safetensors, config.json, HF checkpoint directories) and its robustness tests
# (docs/robustness.md items 1-7). Fixtures are built by the tests themselves in a temporary directory.
smol_add_gtest(engine_loader_tests engine safetensors_test.cpp model_config_test.cpp hf_checkpoint_test.cpp)
target_link_libraries(engine_loader_tests PRIVATE smol_engine)
