#include "crawler/site.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <set>

#include "crawler/url.h"

namespace oitwatch {
namespace {

const char* const kKnownFields[] = {"id",       "name",       "name_en", "url",
                                    "contacts", "unverified", "note"};

// "FILE:LINE: message", with LINE 1-based; "FILE: message" without a mark.
std::string Located(const std::string& path, const YAML::Mark& mark,
                    const std::string& message) {
  if (mark.line < 0) return path + ": " + message;
  return path + ":" + std::to_string(mark.line + 1) + ": " + message;
}

bool IsKnownField(const std::string& key) {
  for (const char* known : kKnownFields) {
    if (key == known) return true;
  }
  return false;
}

bool IsSlug(const std::string& id) {
  if (id.empty()) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_';
    if (!ok) return false;
  }
  return true;
}

bool IsHttpUrl(const std::string& url) {
  for (const char* scheme : {"http://", "https://"}) {
    std::string prefix(scheme);
    if (url.size() > prefix.size() &&
        url.compare(0, prefix.size(), prefix) == 0)
      return true;
  }
  return false;
}

// The URL as it may appear in a message: control bytes as \xNN, cut to 200
// bytes (a 200 kB URL must not flood the terminal).
std::string Shown(const std::string& url) {
  std::string out;
  for (unsigned char c : url.substr(0, 200)) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "\\x%02X", c);
    out += c < 0x20 || c == 0x7F ? std::string(hex) : std::string(1, c);
  }
  return url.size() > 200 ? out + "..." : out;
}

bool IsPort(const std::string& text) {
  int port = 0;
  const char* end = text.data() + text.size();
  const auto [stop, ec] = std::from_chars(text.data(), end, port);
  return ec == std::errc() && stop == end && port >= 1 && port <= 65535;
}

// What is wrong with the host[:port] part of an http(s) URL, or "".
std::string HostProblem(const std::string& authority) {
  std::string host = authority, port;
  const size_t colon = host.rfind(':');
  if (!host.empty() && host[0] == '[') {
    const size_t close = host.find(']');
    if (close == std::string::npos) return "has an unterminated [IPv6] host";
    port = host.substr(close + 1);
    host.resize(close + 1);
    if (!port.empty() && port[0] != ':') {
      return "has text after its [IPv6] host";
    }
  } else if (colon != std::string::npos) {
    port = host.substr(colon);
    host.resize(colon);
  }
  if (host.empty()) return "has no host";
  for (unsigned char c : host) {
    if (c >= 0x80) return "has a non-ASCII host: write it in its xn-- form";
  }
  if (port.size() > 1 && !IsPort(port.substr(1))) {
    return "has port '" + port.substr(1) + "' (expected 1-65535)";
  }
  return "";
}

// What keeps `url` from being a start URL, or "". *secret is set when the
// URL carries a password, so that the message does not repeat it.
std::string UrlProblem(const std::string& url, bool* secret) {
  *secret = false;
  if (!IsHttpUrl(url)) return "is not http(s)";
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7F) {
      return "contains whitespace or a control character";
    }
  }
  const size_t start = url.find("://") + 3;
  const size_t end = url.find_first_of("/?#", start);
  const std::string authority = url.substr(start, end - start);
  if (authority.find('@') != std::string::npos) {
    *secret = true;
    return "has a user name or password before '@': they would be sent to "
           "the site and shown in every report; remove them";
  }
  std::string problem = HostProblem(authority);
  if (problem.empty() && !NormalizeUrl(url)) {
    problem = "cannot be parsed as a URL (or is longer than 2048 bytes)";
  }
  return problem;
}

// Reads a required, non-empty scalar field of `entry` into *out.
bool RequiredScalar(const YAML::Node& entry, const char* key,
                    const std::string& path, std::string* out,
                    std::string* err) {
  const YAML::Node value = entry[key];
  if (!value || value.IsNull()) {
    *err =
        Located(path, entry.Mark(), std::string("site: missing '") + key + "'");
    return false;
  }
  if (!value.IsScalar() || value.Scalar().empty()) {
    *err =
        Located(path, value.Mark(),
                std::string("site: '") + key + "' must be a non-empty string");
    return false;
  }
  *out = value.Scalar();
  return true;
}

// False with "FILE:LINE: what duplicate key" if a key of `map` repeats:
// yaml-cpp keeps both and `map[key]` then silently reads the first.
bool CheckUniqueKeys(const YAML::Node& map, const std::string& path,
                     const std::string& what, std::string* err) {
  std::set<std::string> seen;
  for (const auto& field : map) {
    const std::string key = field.first.Scalar();
    if (!seen.insert(key).second) {
      *err = Located(path, field.first.Mark(), what + "'" + key + "'");
      return false;
    }
  }
  return true;
}

bool CheckFieldNames(const YAML::Node& entry, const std::string& path,
                     std::string* err) {
  for (const auto& field : entry) {
    const std::string key = field.first.Scalar();
    if (!IsKnownField(key)) {
      *err = Located(path, field.first.Mark(),
                     "site: unknown field '" + key + "'");
      return false;
    }
  }
  return CheckUniqueKeys(entry, path, "site: duplicate field ", err);
}

bool ReadContacts(const YAML::Node& entry, const std::string& path,
                  const ContactCheck& check, Site* site, std::string* err) {
  const YAML::Node contacts = entry["contacts"];
  if (!contacts || contacts.IsNull()) return true;
  if (!contacts.IsSequence()) {
    *err = Located(path, contacts.Mark(), "site: 'contacts' must be a list");
    return false;
  }
  for (const auto& contact : contacts) {
    const std::string address = contact.IsScalar() ? contact.Scalar() : "";
    bool bad = address.find('@') == std::string::npos ||
               address.find_first_of("\r\n ,;<>") != std::string::npos;
    if (bad) {
      *err =
          Located(path, contact.Mark(),
                  "site: contact '" + address + "' is not an e-mail address");
      return false;
    }
    std::string why;
    if (check && !check(address, &why)) {
      *err = Located(path, contact.Mark(), "site: contact " + why);
      return false;
    }
    site->contacts.push_back(address);
  }
  return true;
}

bool ReadOptional(const YAML::Node& entry, const std::string& path,
                  const ContactCheck& check, Site* site, std::string* err) {
  if (!ReadContacts(entry, path, check, site, err)) return false;
  const YAML::Node unverified = entry["unverified"];
  if (unverified && !unverified.IsNull()) {
    bool parsed = false;
    if (!unverified.IsScalar() ||
        !YAML::convert<bool>::decode(unverified, parsed)) {
      *err = Located(path, unverified.Mark(),
                     "site: 'unverified' must be true or false");
      return false;
    }
    site->unverified = parsed;
  }
  const YAML::Node note = entry["note"];
  if (note && note.IsScalar()) site->note = note.Scalar();
  return true;
}

bool ReadSite(const YAML::Node& entry, const std::string& path,
              const ContactCheck& check, Site* site, std::string* err) {
  if (!entry.IsMap()) {
    *err =
        Located(path, entry.Mark(), "site: expected a map with id, name, url");
    return false;
  }
  if (!CheckFieldNames(entry, path, err)) return false;
  if (!RequiredScalar(entry, "id", path, &site->id, err) ||
      !RequiredScalar(entry, "name", path, &site->name, err) ||
      !RequiredScalar(entry, "name_en", path, &site->name_en, err) ||
      !RequiredScalar(entry, "url", path, &site->url, err)) {
    return false;
  }
  if (!IsSlug(site->id)) {
    *err = Located(
        path, entry["id"].Mark(),
        "site: id '" + site->id + "' must be a lower-case slug [a-z0-9_-]");
    return false;
  }
  bool secret = false;
  const std::string problem = UrlProblem(site->url, &secret);
  if (!problem.empty()) {
    *err = Located(path, entry["url"].Mark(),
                   "site " + site->id + ": url " +
                       (secret ? "" : "'" + Shown(site->url) + "' ") + problem);
    return false;
  }
  return ReadOptional(entry, path, check, site, err);
}

bool ReadSiteList(const YAML::Node& root, const std::string& path,
                  const ContactCheck& check, std::vector<Site>* sites,
                  std::string* err) {
  if (root.IsMap() &&
      !CheckUniqueKeys(root, path, "duplicate top-level key ", err)) {
    return false;
  }
  const YAML::Node list = root.IsMap() ? root["sites"] : YAML::Node();
  if (!list || !list.IsSequence()) {
    *err = Located(path, root.Mark(), "expected a top-level 'sites:' list");
    return false;
  }
  if (list.size() == 0) {
    *err = Located(path, list.Mark(), "the 'sites:' list is empty");
    return false;
  }
  std::set<std::string> ids;
  std::vector<Site> loaded;
  for (const auto& entry : list) {
    Site site;
    if (!ReadSite(entry, path, check, &site, err)) return false;
    if (!ids.insert(site.id).second) {
      *err = Located(path, entry["id"].Mark(),
                     "site: duplicate id '" + site.id + "'");
      return false;
    }
    loaded.push_back(std::move(site));
  }
  *sites = std::move(loaded);
  return true;
}

}  // namespace

bool LoadSites(const std::string& path, std::vector<Site>* sites,
               std::string* err, const ContactCheck& check_contact) {
  std::error_code ec;  // a directory made LoadFile throw std::ios_failure
  if (std::filesystem::exists(path, ec) &&
      !std::filesystem::is_regular_file(path, ec)) {
    *err = path + ": not a regular file";
    return false;
  }
  try {
    const std::vector<YAML::Node> documents = YAML::LoadAllFromFile(path);
    if (documents.size() > 1) {
      *err = Located(path, documents[1].Mark(),
                     "a second YAML document ('---'): put every site in the "
                     "one 'sites:' list");
      return false;
    }
    const YAML::Node root = documents.empty() ? YAML::Node() : documents[0];
    return ReadSiteList(root, path, check_contact, sites, err);
  } catch (const YAML::BadFile&) {
    *err = path + ": cannot open file";
  } catch (const YAML::Exception& e) {
    *err = Located(path, e.mark, e.msg);
  } catch (const std::exception& e) {
    *err = path + ": cannot read file: " + e.what();
  }
  return false;
}

}  // namespace oitwatch
