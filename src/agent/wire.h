// The agent's socket and its protocol, shared by the server and the client.
//
// One request per connection, one line of ASCII: "key", "status" or "lock".
// Replies: to "key", "ok N\n" and N data keys of 32 bytes each, or "locked\n";
// to "status", one line of JSON; to "lock", "ok\n".
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

namespace folio::agent {

// The private folder for agent sockets, created 0700 when missing. Error(refused)
// when it exists but is not a folder of this user's with mode 0700.
std::filesystem::path socket_dir(bool create);

// A connected socket, closed on destruction.
class Connection {
 public:
  explicit Connection(int fd) noexcept : fd_(fd) {}
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  int fd() const noexcept { return fd_; }
  // Send and receive, with the timeouts set at connect/accept: false on any
  // failure (a timeout, a closed peer).
  bool send_all(const void* data, std::size_t size);
  bool recv_all(void* data, std::size_t size);
  // One line without its '\n', at most `limit` bytes; false on failure.
  bool recv_line(std::string& line, std::size_t limit);

 private:
  int fd_;
};

// Sets send and receive timeouts on `fd`.
void set_timeouts(int fd, std::chrono::milliseconds timeout);

// The uid of the process at the other end of a connected Unix socket, or -1.
long peer_uid(int fd);

}  // namespace folio::agent
