// Crash-test child: appends forever from several threads and writes "position id" to stdout for
// every acknowledged event, after Append returns. The parent kills it with SIGKILL at a random
// moment; anything printed must then be on disk.
#include <unistd.h>

#include <cstdio>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "events/rocks_event_store.h"

using namespace taskledger;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s DATA_DIR SEED\n", argv[0]);
    return 2;
  }
  auto opened = OpenRocksEventStore(argv[1]);
  if (!opened.ok()) {
    std::fprintf(stderr, "open: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  EventStore& store = **opened;
  std::mutex out_mu;
  auto report = [&](uint64_t pos, const Uuid& id) {
    const std::string line = std::to_string(pos) + " " + id.ToString() + "\n";
    std::lock_guard lock(out_mu);
    if (write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
      _exit(3);
  };
  const unsigned seed = static_cast<unsigned>(std::stoul(argv[2]));
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(seed * 31 + t);
      for (uint64_t i = 0;; ++i) {
        const std::string stream = "crash-" + std::to_string(rng() % 16);
        std::vector<NewEvent> events(1 + rng() % 3);
        for (NewEvent& e : events) {
          e.id = Uuid::NewV7(static_cast<int64_t>(i));
          e.type = "crash.tick";
          e.data = R"({"thread":)" + std::to_string(t) + R"(,"i":)" + std::to_string(i) +
                   R"(,"pad":"Sở Giáo dục và Đào tạo chủ trì, phối hợp các đơn vị"})";
          e.actor = "crash-child";
        }
        const std::vector<NewEvent> sent = events;
        AppendResult r = store.Append(stream, ExpectedVersion::Any(), std::move(events));
        if (!r.ok()) {
          std::fprintf(stderr, "append: %s\n", r.status.ToString().c_str());
          _exit(1);
        }
        for (size_t k = 0; k < sent.size(); ++k) report(r.first_position + k, sent[k].id);
      }
    });
  }
  for (auto& th : threads) th.join();
}
