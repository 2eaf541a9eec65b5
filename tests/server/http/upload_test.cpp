// Deliverable files: multipart uploads stored by SHA-256, served back byte for byte to those who
// may see the task, refused when too large or malformed.
#include <catch2/catch.hpp>

#include "events/util/sha256.h"
#include "server/http/multipart.h"
#include "tests/server/server_fixture.h"

using namespace taskledger;
using namespace taskledger::testing;
using nlohmann::json;

namespace {

const std::string kBoundary = "----taskledger7MA4YWxkTrZu0gW";

std::string Form(const std::vector<std::tuple<std::string, std::string, std::string>>& parts) {
  std::string body;
  for (const auto& [name, filename, data] : parts) {
    body += "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"";
    if (!filename.empty())
      body += "; filename=\"" + filename + "\"\r\nContent-Type: application/pdf";
    body += "\r\n\r\n" + data + "\r\n";
  }
  return body + "--" + kBoundary + "--\r\n";
}

std::vector<std::pair<std::string, std::string>> FormType() {
  return {{"Content-Type", "multipart/form-data; boundary=" + kBoundary}};
}

}  // namespace

TEST_CASE("multipart bodies parse as curl and browsers send them", "[server][multipart]") {
  const std::string body =
      Form({{"note", "", "Bản cuối"}, {"file", "Báo cáo.pdf", "%PDF\r\n--x\r\n\0z"}});
  auto boundary = server::MultipartBoundary("multipart/form-data; boundary=" + kBoundary);
  REQUIRE(boundary);
  auto parts = server::ParseMultipart(body, *boundary);
  REQUIRE(parts.ok());
  REQUIRE(parts->size() == 2);
  CHECK((*parts)[0].name == "note");
  CHECK((*parts)[0].data == "Bản cuối");
  CHECK((*parts)[1].filename == "Báo cáo.pdf");
  CHECK((*parts)[1].data == "%PDF\r\n--x\r\n");
  CHECK(server::MultipartBoundary("multipart/form-data; boundary=\"quoted b\"") == "quoted b");
  CHECK_FALSE(server::MultipartBoundary("application/json"));
  CHECK_FALSE(server::ParseMultipart(
                  "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end",
                  kBoundary)
                  .ok());
  CHECK_FALSE(server::ParseMultipart("nothing here", kBoundary).ok());
}

TEST_CASE("a deliverable file is uploaded, stored by hash, and downloaded intact",
          "[server][integration][upload]") {
  ApiFixture f;
  const std::string task = "/v1/tasks/hp-tieng-anh-2025:I.1";
  std::string file;
  for (uint64_t i = 0; i < 300000; ++i)
    file += static_cast<char>((i * 7919) % 256);  // binary, 300 kB
  Sha256 hasher;
  const std::string sha = ToHex(hasher.Digest(file));

  const uint64_t head = f.HeadPosition();
  HttpResult r = f.Post(f.agency_hp, task + "/deliverables",
                        Form({{"id", "", "ke-hoach"},
                              {"note", "", "Kế hoạch đã ký"},
                              {"file", "Kế hoạch số 12.pdf", file}}),
                        FormType());
  INFO(r.body);
  REQUIRE(r.status == 201);
  const json d = r.json()["task"]["occurrences"][0]["deliverables"][0];
  CHECK(d["id"] == "ke-hoach");
  CHECK(d["name"] == "Kế hoạch số 12.pdf");
  CHECK(d["sha256"] == sha);
  CHECK(d["size"] == file.size());
  CHECK(d["note"] == "Kế hoạch đã ký");
  CHECK(f.HeadPosition() == head + 1);

  // Served back byte for byte, to the coordinator and the auditor; not to another province.
  for (const std::string* who : {&f.coordinator, &f.auditor, &f.agency_hp}) {
    r = f.Get(*who, task + "/deliverables/ke-hoach/file");
    REQUIRE(r.status == 200);
    CHECK(r.body == file);
    CHECK(r.header("etag") == "\"" + sha + "\"");
    CHECK(r.header("content-disposition").find("filename*=UTF-8''K%E1%BA%BF") != std::string::npos);
  }
  CHECK(f.Get(f.agency_bk, task + "/deliverables/ke-hoach/file").status == 403);
  CHECK(f.Get(f.coordinator, task + "/deliverables/khong-co/file").status == 404);

  // Refusals append nothing: no file part, an unknown part, another agency, too large.
  const uint64_t after = f.HeadPosition();
  CHECK(f.Post(f.agency_hp, task + "/deliverables", Form({{"note", "", "x"}}), FormType()).status ==
        400);
  CHECK(f.Post(f.agency_hp, task + "/deliverables",
               Form({{"file", "a.pdf", "x"}, {"extra", "", "y"}}), FormType())
            .status == 400);
  CHECK(f.Post(f.agency_bk, task + "/deliverables", Form({{"file", "a.pdf", "x"}}), FormType())
            .status == 404);
  const std::string huge(20 * 1024 * 1024 + 1, 'x');
  r = f.Post(f.agency_hp, task + "/deliverables", Form({{"file", "big.pdf", huge}}), FormType());
  CHECK(r.status == 413);
  CHECK(f.HeadPosition() == after);

  // The file outlives a restart.
  f.Restart();
  CHECK(f.Get(f.auditor, task + "/deliverables/ke-hoach/file").body == file);
}
