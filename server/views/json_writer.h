// A JSON text writer: appends a value to a string as it is described, with no document tree.
//
// Lists of tasks are the API's hottest answers; building a nlohmann::json tree for each item and
// then serialising it spent most of a page's time in malloc and free. The writer produces the
// same text (UTF-8 passed through, the same escapes nlohmann uses) straight into the body.
// Strings must be valid UTF-8: the domain refuses anything else at its edge, so the writer does
// not check again. Not thread-safe; one writer per body.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace taskledger::server {

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  JsonWriter& BeginObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& BeginArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }
  // The key of the next member of the enclosing object: a plain identifier from the code,
  // written as is (never user text, which goes through String).
  JsonWriter& Key(std::string_view key);

  JsonWriter& String(std::string_view s);
  JsonWriter& Int(int64_t v);
  JsonWriter& Bool(bool v);
  JsonWriter& Null();
  // A value already serialised as JSON text.
  JsonWriter& Raw(std::string_view json);
  JsonWriter& Value(const nlohmann::json& j);
  JsonWriter& Strings(const std::vector<std::string>& list);

  // Key(k) and a value, for the common case.
  template <typename T>
  JsonWriter& Field(std::string_view key, const T& value) {
    Key(key);
    if constexpr (std::is_same_v<T, bool>) {
      return Bool(value);
    } else if constexpr (std::is_integral_v<T>) {
      return Int(static_cast<int64_t>(value));
    } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
      return Strings(value);
    } else if constexpr (std::is_same_v<T, nlohmann::json>) {
      return Value(value);
    } else {
      return String(value);
    }
  }

 private:
  JsonWriter& Open(char c);
  JsonWriter& Close(char c);
  void BeforeValue();
  void Escaped(std::string_view s);

  std::string* out_;
  std::vector<bool> first_;  // per open container: no member written yet
  bool after_key_ = false;
};

}  // namespace taskledger::server
