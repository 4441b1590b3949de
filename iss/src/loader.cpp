#include "iss/src/loader.h"

#include "common/error.h"
#include "common/mapped_file.h"

namespace smol::iss {

uint64_t load_image(machine& m, std::span<const std::byte> image, uint64_t load_addr, const std::string& what) {
    const uint64_t mem = m.mem().size();
    if (load_addr > mem || image.size() > mem - load_addr)
        fail("{} is {} bytes; loaded at {:#x} it would end at {:#x}, but memory is {} bytes ({:#x})", what,
             image.size(), load_addr, load_addr + image.size(), mem, mem);
    m.mem().write(load_addr, image.data(), image.size());
    m.flush_code_cache();
    return image.size();
}

uint64_t load_image_file(machine& m, const std::string& path, uint64_t load_addr) {
    smol::mapped_file file(path);
    return load_image(m, file.bytes(), load_addr, "image '" + path + "'");
}

}  // namespace smol::iss
