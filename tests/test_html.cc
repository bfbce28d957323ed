#include "tests/test_html.h"

namespace oitwatch {

std::string Html(const std::string& title, const std::string& body) {
  return "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + title +
         "</title></head><body>" + body + "</body></html>";
}

}  // namespace oitwatch
