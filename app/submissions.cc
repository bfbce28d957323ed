// The submissions CSV of `oitwatch verify` (see submissions.h).
#include "app/submissions.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "crawler/url.h"
#include "reports/escape.h"

namespace oitwatch {
namespace {

struct CsvRecord {
  int line = 0;
  std::vector<std::string> fields;
};

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// Reads one quoted field starting after its opening quote at text[*i - 1].
bool QuotedField(const std::string& text, size_t* i, int* line,
                 std::string* field) {
  for (; *i < text.size(); ++*i) {
    char c = text[*i];
    if (c == '\n') ++*line;
    if (c != '"') {
      field->push_back(c);
    } else if (*i + 1 < text.size() && text[*i + 1] == '"') {
      field->push_back('"');
      ++*i;
    } else {
      ++*i;
      return true;
    }
  }
  return false;
}

// RFC 4180 records. A quoted field may span lines; `line` of a record is
// where it starts.
bool SplitCsv(const std::string& path, const std::string& text,
              std::vector<CsvRecord>* out, std::string* err) {
  size_t i = 0;
  int line = 1;
  CsvRecord rec{line, {""}};
  while (i < text.size()) {
    char c = text[i];
    if (c == ',') {
      rec.fields.emplace_back();
      ++i;
    } else if (c == '\r' || c == '\n') {
      i += (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
      out->push_back(std::move(rec));
      rec = CsvRecord{++line, {""}};
    } else if (c == '"' && Trim(rec.fields.back()).empty()) {
      int start = line;
      ++i;
      if (!QuotedField(text, &i, &line, &rec.fields.back())) {
        *err = path + ":" + std::to_string(start) + ": unterminated quoted field";
        return false;
      }
      size_t next = text.find_first_not_of(" \t", i);
      if (next != std::string::npos && text[next] != ',' &&
          text[next] != '\r' && text[next] != '\n') {
        *err = path + ":" + std::to_string(line) +
               ": text after a closing quote (write \"\" for a quote inside "
               "a quoted field)";
        return false;
      }
      i = next == std::string::npos ? text.size() : next;
    } else {
      rec.fields.back().push_back(c);
      ++i;
    }
  }
  if (rec.fields.size() > 1 || !rec.fields[0].empty()) out->push_back(rec);
  return true;
}

bool IsBlank(const CsvRecord& rec) {
  return std::all_of(rec.fields.begin(), rec.fields.end(),
                     [](const std::string& f) { return Trim(f).empty(); });
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// One data row -> Submission, or a message without the location.
bool ParseRow(const CsvRecord& rec, const RuleSet& rules, Submission* sub,
              std::string* why) {
  if (rec.fields.size() != 2) {
    *why = "expected 2 columns (item,url), got " +
           std::to_string(rec.fields.size());
    return false;
  }
  std::string item = Upper(Trim(rec.fields[0]));
  auto known = std::find_if(rules.items.begin(), rules.items.end(),
                            [&](const Item& i) { return Upper(i.id) == item; });
  if (known == rules.items.end()) {
    *why = "unknown item '" + TerminalSafe(Trim(rec.fields[0])) +
           "' (the rule set has " + rules.items.front().id + "-" +
           rules.items.back().id + ")";
    return false;
  }
  std::string url = Trim(rec.fields[1]);
  std::string lower = Lower(url.substr(0, 8));
  std::optional<std::string> norm = NormalizeUrl(url);
  if ((lower.rfind("http://", 0) != 0 && lower.rfind("https://", 0) != 0) ||
      !norm) {
    *why = "'" + TerminalSafe(url) + "' is not an absolute http(s) URL";
    return false;
  }
  *sub = Submission{rec.line, known->id, *norm};
  return true;
}

}  // namespace

bool ParseSubmissions(const std::string& path, const std::string& content,
                      const RuleSet& rules, std::vector<Submission>* out,
                      std::string* err) {
  std::string text = content.rfind("\xEF\xBB\xBF", 0) == 0 ? content.substr(3)
                                                          : content;
  std::vector<CsvRecord> records;
  if (!SplitCsv(path, text, &records, err)) return false;
  std::vector<std::string> errors;
  auto at = [&](int line) { return path + ":" + std::to_string(line) + ": "; };
  if (records.empty() || records[0].fields.size() != 2 ||
      Lower(Trim(records[0].fields[0])) != "item" ||
      Lower(Trim(records[0].fields[1])) != "url") {
    *err = at(1) + "the first row must be the header item,url";
    return false;
  }
  out->clear();
  for (size_t i = 1; i < records.size(); ++i) {
    const CsvRecord& rec = records[i];
    if (IsBlank(rec)) continue;
    std::string why;
    Submission sub;
    bool utf8 = std::all_of(rec.fields.begin(), rec.fields.end(),
                            [](const std::string& f) { return ValidUtf8(f) == f; });
    if (!utf8) {
      errors.push_back(at(rec.line) + "not valid UTF-8 (save the file as UTF-8)");
    } else if (!ParseRow(rec, rules, &sub, &why)) {
      errors.push_back(at(rec.line) + why);
    } else {
      out->push_back(sub);
    }
  }
  if (errors.empty() && out->empty()) errors.push_back(at(1) + "no submissions");
  *err = "";
  for (const std::string& e : errors) *err += (err->empty() ? "" : "\n") + e;
  return errors.empty();
}

}  // namespace oitwatch
