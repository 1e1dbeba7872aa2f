#pragma once

#include <string>
#include <string_view>

namespace tokenizer {

// llama.cpp's detokenizer clean-up for vocabularies with clean_spaces: removes the space in " ?", " !",
// " .", " ,", the spaces around a lone " ' ", and the space before the contractions 's 'm 're 've.
std::string clean_up_spaces(std::string_view text);

}  // namespace tokenizer
