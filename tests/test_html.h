// A minimal UTF-8 HTML page for the fixture servers of run-level tests.
#ifndef OITWATCH_TESTS_TEST_HTML_H_
#define OITWATCH_TESTS_TEST_HTML_H_

#include <string>

namespace oitwatch {

// "<!doctype html>…<meta charset=utf-8><title>TITLE</title>…BODY…".
std::string Html(const std::string& title, const std::string& body);

}  // namespace oitwatch

#endif  // OITWATCH_TESTS_TEST_HTML_H_
