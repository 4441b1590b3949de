#include "common/error.h"
#include "common/npy.h"
#include "common/output_file.h"
#include "common/strict_json.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <vector>
#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

fs::path temp_dir(const char* name) {
    fs::path dir = fs::temp_directory_path() / fmt::format("smol_common_{}_{}", name, ::getpid());
    fs::create_directories(dir);
    return dir;
}

TEST(npy, round_trips_shape_and_values) {
    fs::path path = temp_dir("npy") / "x.npy";
    std::vector<float> values = {1.5f, -2.0f, 3.25f, 0.0f, 1e-30f, -7.0f};
    std::vector<size_t> shape = {2, 3};
    smol::npy_write_f32(path, values, shape);
    auto back = smol::npy_read_f32(path);
    EXPECT_EQ(back.shape, shape);
    EXPECT_EQ(back.data, values);
    EXPECT_EQ(fs::file_size(path) % 64, (values.size() * 4) % 64);  // header padded to 64 bytes
}

TEST(npy, rejects_shape_that_does_not_match_data) {
    fs::path path = temp_dir("npy_bad") / "x.npy";
    std::vector<float> values(5);
    std::vector<size_t> shape = {2, 3};
    EXPECT_THROW(smol::npy_write_f32(path, values, shape), smol::error);
    EXPECT_FALSE(fs::exists(path));
}

TEST(output_file, leaves_previous_content_when_not_committed) {
    fs::path path = temp_dir("out") / "keep.txt";
    { std::ofstream(path) << "precious"; }
    {
        smol::output_file out(path);
        out.write("garbage", 7);
    }  // destroyed without commit
    std::ifstream in(path);
    std::string content;
    in >> content;
    EXPECT_EQ(content, "precious");
    EXPECT_EQ(std::distance(fs::directory_iterator(path.parent_path()), fs::directory_iterator()), 1);
}

TEST(strict_json, rejects_duplicate_keys_naming_them) {
    try {
        smol::parse_strict_json(R"({"a": 1, "b": {"c": 1, "c": 2}})", "test.json");
        FAIL() << "duplicate accepted";
    } catch (const smol::error& e) {
        EXPECT_NE(std::string(e.what()).find("duplicate key \"c\""), std::string::npos) << e.what();
    }
}

TEST(strict_json, same_key_in_sibling_objects_is_fine) {
    auto j = smol::parse_strict_json(R"({"a": {"x": 1}, "b": {"x": 2}})", "test.json");
    EXPECT_EQ(j["b"]["x"], 2);
}

TEST(strict_json, rejects_invalid_utf8_and_trailing_garbage) {
    EXPECT_THROW(smol::parse_strict_json("{\"a\": \"\xff\"}", "t"), smol::error);
    EXPECT_THROW(smol::parse_strict_json("{} x", "t"), smol::error);
}

// docs/robustness.md "interrupted output": SIGINT or SIGTERM while an output is being written leaves
// neither the temporary nor a partial target (an interrupted convert used to leave a 512 MB *.tmp-XXXXXX).
TEST(robustness, interrupted_output_removes_its_temporary) {
    for (int sig : {SIGINT, SIGTERM}) {
        fs::path dir = temp_dir(sig == SIGINT ? "sigint" : "sigterm");
        fs::path path = dir / "big.out";
        pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            smol::output_file out(path.string());
            const std::vector<std::byte> megabyte(1 << 20);
            out.write(megabyte);
            ::raise(sig);
            ::_exit(0);  // not reached: the default action ends the process
        }
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);
        EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == sig) << "status " << status;  // the signal still ends it
        EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 0) << dir;
        fs::remove_all(dir);
    }
}

}  // namespace
