// Live updates for a province: opens N event streams (GET /v1/events/stream, as N dashboards do)
// to a running server, appends one event through the API, and prints how long until every stream
// had it (p50, p99, max), how many streams the server refused, and the server's resident memory
// before and with the streams open.
//
//   sse_fanout --port P --token T --streams 5000 --task hp-tieng-anh-2025:I.1 --pid PID
//
// Plain sockets and epoll, one thread: the client side must not be the bottleneck.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Stream {
  int fd = -1;
  std::string in;
  int status = 0;
  bool got = false;
  Clock::duration delay{};
};

std::string Arg(int argc, char** argv, const char* name, const char* fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return fallback;
}

int Connect(int port, bool blocking) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  if (!blocking) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

long RssKiB(const std::string& pid) {
  std::ifstream f("/proc/" + pid + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

// One request on a fresh blocking connection; the status code.
int Call(int port, const std::string& request) {
  const int fd = Connect(port, true);
  if (fd < 0) return -1;
  (void)!write(fd, request.data(), request.size());
  char buf[4096];
  const ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n < 12) return -1;
  return std::atoi(buf + 9);
}

}  // namespace

int main(int argc, char** argv) {
  const int port = std::atoi(Arg(argc, argv, "--port", "0").c_str());
  const std::string token = Arg(argc, argv, "--token", "");
  const int n = std::atoi(Arg(argc, argv, "--streams", "5000").c_str());
  const std::string task = Arg(argc, argv, "--task", "hp-tieng-anh-2025:I.1");
  const std::string pid = Arg(argc, argv, "--pid", "");
  rlimit r{};
  getrlimit(RLIMIT_NOFILE, &r);
  r.rlim_cur = r.rlim_max;
  setrlimit(RLIMIT_NOFILE, &r);

  const long rss_before = pid.empty() ? -1 : RssKiB(pid);
  const std::string get =
      "GET /v1/events/stream?from=head HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer " + token +
      "\r\nAccept: text/event-stream\r\n\r\n";
  std::vector<Stream> streams(n);
  const int ep = epoll_create1(0);
  const auto opened_at = Clock::now();
  for (int i = 0; i < n; ++i) {
    streams[i].fd = Connect(port, false);
    if (streams[i].fd < 0) {
      std::fprintf(stderr, "connect %d failed: %s\n", i, std::strerror(errno));
      return 1;
    }
    (void)!write(streams[i].fd, get.data(), get.size());
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<uint32_t>(i);
    epoll_ctl(ep, EPOLL_CTL_ADD, streams[i].fd, &ev);
  }
  // Until every stream has its status line (and "retry:"), or 60 s.
  int answered = 0, refused = 0;
  std::vector<epoll_event> events(1024);
  const auto pump = [&](int timeout_ms, auto&& on_data) {
    const int k = epoll_wait(ep, events.data(), static_cast<int>(events.size()), timeout_ms);
    for (int j = 0; j < k; ++j) {
      Stream& s = streams[events[j].data.u32];
      char buf[8192];
      for (;;) {
        const ssize_t got = read(s.fd, buf, sizeof buf);
        if (got <= 0) break;
        s.in.append(buf, static_cast<size_t>(got));
      }
      on_data(s);
    }
  };
  while (answered < n && Clock::now() - opened_at < std::chrono::seconds(60)) {
    pump(100, [&](Stream& s) {
      if (s.status == 0 && s.in.size() >= 12) {
        s.status = std::atoi(s.in.c_str() + 9);
        ++answered;
        if (s.status != 200) ++refused;
      }
    });
  }
  const double open_s = std::chrono::duration<double>(Clock::now() - opened_at).count();
  const long rss_open = pid.empty() ? -1 : RssKiB(pid);
  for (Stream& s : streams) s.in.clear();

  // One event, then the time each stream takes to see it.
  const std::string body = "{\"text\":\"bench fan-out\"}";
  const std::string post =
      "POST /v1/tasks/" + task + "/comments HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer " +
      token +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n" + body;
  const auto t0 = Clock::now();
  const int posted = Call(port, post);
  const auto acked = Clock::now() - t0;
  int seen = 0;
  const int live = n - refused;
  while (seen < live && Clock::now() - t0 < std::chrono::seconds(30)) {
    pump(100, [&](Stream& s) {
      if (!s.got && s.in.find("event: task.commented") != std::string::npos) {
        s.got = true;
        s.delay = Clock::now() - t0;
        ++seen;
      }
    });
  }
  std::vector<double> ms;
  for (const Stream& s : streams) {
    if (s.got) ms.push_back(std::chrono::duration<double, std::milli>(s.delay).count());
  }
  std::sort(ms.begin(), ms.end());
  const auto at = [&](double q) {
    return ms.empty() ? -1.0 : ms[std::min(ms.size() - 1, static_cast<size_t>(q * ms.size()))];
  };
  std::printf("streams asked %d, open %d, refused %d (all answered in %.2f s)\n", n, live, refused,
              open_s);
  std::printf("the comment: HTTP %d, acknowledged in %.1f ms\n", posted,
              std::chrono::duration<double, std::milli>(acked).count());
  std::printf("seen by %d of %d open streams: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", seen, live,
              at(0.5), at(0.99), ms.empty() ? -1.0 : ms.back());
  if (!pid.empty()) {
    std::printf(
        "server RSS: %.1f MiB before, %.1f MiB with the streams open (%.1f KiB per stream)\n",
        rss_before / 1024.0, rss_open / 1024.0,
        live ? static_cast<double>(rss_open - rss_before) / live : 0.0);
  }
  for (Stream& s : streams) close(s.fd);
  // A benchmark fails when its requests do: the comment must be taken, and every stream either
  // opened or refused for want of room (503, past --max-event-streams), never anything else.
  int other = 0;
  for (const Stream& s : streams) other += s.status != 200 && s.status != 503;
  if (posted < 200 || posted > 299 || other > 0) {
    std::printf(
        "FAILED: the comment was answered HTTP %d; %d streams were answered neither 200 nor 503\n",
        posted, other);
    return 1;
  }
  return seen == live ? 0 : 1;
}
