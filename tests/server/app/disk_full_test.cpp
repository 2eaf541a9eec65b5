// The whole server on a disk that fills: a real tmpfs, filled by another file as another process
// would fill it. Writes get 503 with Retry-After and a problem that names no path, reads go on,
// the process lives, and writes resume by themselves once the space is freed, with nothing
// acknowledged lost. Needs permission to mount a tmpfs (root, as in CI); says so and skips
// otherwise.
#include <sys/mount.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "tests/server/server_fixture.h"

using namespace taskledger::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::string kTask = "/v1/tasks/hp-tieng-anh-2025:I.1";

// A tmpfs of `mib` MiB mounted at a fresh directory, unmounted at the end.
class SmallDisk {
 public:
  explicit SmallDisk(int mib) {
    const std::string options = "size=" + std::to_string(mib) + "m,mode=0700";
    mounted_ = mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, options.c_str()) == 0;
    if (!mounted_) why_ = std::strerror(errno);
  }
  ~SmallDisk() {
    if (mounted_) umount2(dir_.path().c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& why() const { return why_; }
  std::string Sub(const std::string& name) const { return dir_.Sub(name); }

  // Fills what is left with a file, as another process would; returns the bytes written.
  size_t Fill() {
    std::FILE* f = std::fopen(Sub("filler").c_str(), "ab");
    REQUIRE(f);
    std::setvbuf(f, nullptr, _IONBF, 0);
    const std::string mib(1u << 16, 'x');
    size_t total = 0;
    while (std::fwrite(mib.data(), 1, mib.size(), f) == mib.size()) total += mib.size();
    std::fclose(f);
    return total;
  }
  void Free() { std::filesystem::remove(Sub("filler")); }

 private:
  TempDir dir_;
  bool mounted_ = false;
  std::string why_;
};

void WarnSkipped(const SmallDisk& disk) {
  WARN("skipped: cannot mount a tmpfs here (" << disk.why()
                                              << "); run as root to test a full disk");
}

struct Served {
  std::string coordinator, agency;
  std::unique_ptr<ServerProcess> server;
};

Served Serve(const std::string& data, const std::vector<std::string>& extra) {
  Served s;
  REQUIRE(RunTool({"load-demo", "--data-dir", data, "--clock-start", "2026-03-02"}).exit_code == 0);
  const auto token = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"token", "create", "--data-dir", data});
    ToolRun r = RunTool(args);
    REQUIRE(r.exit_code == 0);
    return r.last_word();
  };
  s.coordinator = token({"--role", "coordinator", "--name", "Phòng GDTrH"});
  s.agency = token({"--role", "agency", "--agency", "so-gddt-hp"});
  std::vector<std::string> args = {"--clock-start", "2026-03-02", "--rate-limit", "0"};
  args.insert(args.end(), extra.begin(), extra.end());
  s.server = std::make_unique<ServerProcess>(data, args);
  return s;
}

HttpResult Comment(const Served& s, const std::string& text) {
  return HttpCall(
      s.server->port(), "POST", kTask + "/comments", json{{"text", text}}.dump(),
      {{"Authorization", "Bearer " + s.coordinator}, {"Content-Type", "application/json"}});
}

void CheckFullDiskProblem(const HttpResult& r, const std::string& data_dir) {
  INFO(r.body);
  CHECK(r.status == 503);
  CHECK(!r.header("retry-after").empty());
  CHECK(r.header("content-type") == "application/problem+json");
  CHECK(r.body.find("disk is full") != std::string::npos);
  CHECK(r.body.find(data_dir) == std::string::npos);  // no filesystem path in the text
  CHECK(r.body.find(".log") == std::string::npos);
}

}  // namespace

TEST_CASE("a disk that fills pauses writes at the floor; they resume when space is freed",
          "[server][integration][disk-full]") {
  SmallDisk disk(64);
  if (!disk.mounted()) return WarnSkipped(disk);
  const std::string data = disk.Sub("data");
  Served s = Serve(data, {});  // the default floor: 5% of 64 MiB
  REQUIRE(Comment(s, "trước").status == 201);
  const uint64_t head = HttpCall(s.server->port(), "GET", "/healthz").json()["position"];

  disk.Fill();
  CheckFullDiskProblem(Comment(s, "khi đầy"), data);
  // An upload, a webhook and a token are writes too.
  const std::string form =
      "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n" +
      std::string(100000, 'p') + "\r\n--b--\r\n";
  CheckFullDiskProblem(HttpCall(s.server->port(), "POST", kTask + "/deliverables", form,
                                {{"Authorization", "Bearer " + s.agency},
                                 {"Content-Type", "multipart/form-data; boundary=b"}}),
                       data);
  CheckFullDiskProblem(
      HttpCall(
          s.server->port(), "POST", "/v1/tokens", R"({"role": "auditor", "name": "x"})",
          {{"Authorization", "Bearer " + s.coordinator}, {"Content-Type", "application/json"}}),
      data);
  // Reads go on, and nothing was written.
  HttpResult r =
      HttpCall(s.server->port(), "GET", kTask, "", {{"Authorization", "Bearer " + s.coordinator}});
  CHECK(r.status == 200);
  CHECK(HttpCall(s.server->port(), "GET", "/healthz").json()["position"] == head);

  disk.Free();
  CHECK(Comment(s, "sau khi dọn").status == 201);  // no restart
  CHECK(s.server->Stop() == 0);
}

TEST_CASE("a write that meets a full disk is refused and the server lives, reads, and resumes",
          "[server][integration][disk-full]") {
  SmallDisk disk(64);
  if (!disk.mounted()) return WarnSkipped(disk);
  const std::string data = disk.Sub("data");
  // No floor: RocksDB itself meets the full disk, as when another process fills it between a
  // check and a write.
  Served s = Serve(data, {"--min-free-space", "0"});
  std::vector<std::string> acknowledged;
  for (int i = 0; i < 5; ++i) {
    const std::string text = "trước " + std::to_string(i);
    REQUIRE(Comment(s, text).status == 201);
    acknowledged.push_back(text);
  }
  disk.Fill();
  // The WAL may hold a little preallocated room; then the disk says no.
  int refused = 0;
  for (int i = 0; i < 2000 && refused < 5; ++i) {
    const std::string text = "khi đầy " + std::to_string(i) + std::string(2000, '.');
    const HttpResult r = Comment(s, text);
    if (r.status == 201) {
      acknowledged.push_back(text);
    } else {
      CheckFullDiskProblem(r, data);
      ++refused;
    }
  }
  REQUIRE(refused == 5);
  CHECK(HttpCall(s.server->port(), "GET", kTask, "", {{"Authorization", "Bearer " + s.coordinator}})
            .status == 200);
  CHECK(HttpCall(s.server->port(), "GET", "/healthz").status == 200);

  disk.Free();
  HttpResult resumed;
  const auto until = std::chrono::steady_clock::now() + 20s;
  do {
    std::this_thread::sleep_for(100ms);
    resumed = Comment(s, "sau khi dọn");
  } while (resumed.status != 201 && std::chrono::steady_clock::now() < until);
  INFO(resumed.body);
  REQUIRE(resumed.status == 201);
  acknowledged.push_back("sau khi dọn");
  const int stopped = s.server->Stop();
  INFO(s.server->log().substr(0, 4000));
  CHECK(stopped == 0);

  // Everything acknowledged is in the log, which verifies.
  ServerProcess again(data, {"--clock-start", "2026-03-02"});
  const json history = HttpCall(again.port(), "GET", kTask + "/history", "",
                                {{"Authorization", "Bearer " + s.coordinator}})
                           .json();
  std::set<std::string> texts;
  for (const json& e : history["events"]) {
    if (e["type"] == "task.commented") texts.insert(e["data"]["text"].get<std::string>());
  }
  for (const std::string& t : acknowledged) CHECK(texts.count(t) == 1);
  CHECK(HttpCall(again.port(), "GET", "/v1/audit/verify", "",
                 {{"Authorization", "Bearer " + s.coordinator}})
            .json()["ok"] == true);
  CHECK(again.Stop() == 0);
}
