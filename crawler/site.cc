#include "crawler/site.h"

#include <yaml-cpp/yaml.h>

#include <set>

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
  return true;
}

bool ReadContacts(const YAML::Node& entry, const std::string& path, Site* site,
                  std::string* err) {
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
    site->contacts.push_back(address);
  }
  return true;
}

bool ReadOptional(const YAML::Node& entry, const std::string& path, Site* site,
                  std::string* err) {
  if (!ReadContacts(entry, path, site, err)) return false;
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

bool ReadSite(const YAML::Node& entry, const std::string& path, Site* site,
              std::string* err) {
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
  if (!IsHttpUrl(site->url)) {
    *err = Located(
        path, entry["url"].Mark(),
        "site " + site->id + ": url '" + site->url + "' is not http(s)");
    return false;
  }
  return ReadOptional(entry, path, site, err);
}

bool ReadSiteList(const YAML::Node& root, const std::string& path,
                  std::vector<Site>* sites, std::string* err) {
  const YAML::Node list = root.IsMap() ? root["sites"] : YAML::Node();
  if (!list || !list.IsSequence()) {
    *err = Located(path, root.Mark(), "expected a top-level 'sites:' list");
    return false;
  }
  std::set<std::string> ids;
  std::vector<Site> loaded;
  for (const auto& entry : list) {
    Site site;
    if (!ReadSite(entry, path, &site, err)) return false;
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
               std::string* err) {
  try {
    return ReadSiteList(YAML::LoadFile(path), path, sites, err);
  } catch (const YAML::BadFile&) {
    *err = path + ": cannot open file";
  } catch (const YAML::Exception& e) {
    *err = Located(path, e.mark, e.msg);
  }
  return false;
}

}  // namespace oitwatch
