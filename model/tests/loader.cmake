# Checkpoint loading (safetensors, config.json, HF checkpoint directories) and its robustness tests
# (docs/robustness.md items 1-7). Fixtures are built by the tests themselves in a temporary directory.
smol_add_gtest(model_loader_tests model safetensors_test.cpp model_config_test.cpp hf_checkpoint_test.cpp)
target_link_libraries(model_loader_tests PRIVATE smol_model)
