#pragma once
// The chat page served at / (src/chat_page.html, embedded into the binary at build time: no files to
// install, no build step for the page itself).
#include <string>

namespace smol::serve {

const std::string& chat_page_html();

}  // namespace smol::serve
