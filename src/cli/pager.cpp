// The pager for long listings (see Pager in common.h).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <string>

#include "cli/common.h"

namespace folio::cli {
namespace {

bool on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    if (!dir.empty() && ::access((dir + "/" + name).c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

// Empty when there is none: the listing is then printed directly (a
// missing `less` must not swallow it).
std::string pager_command() {
  for (const char* var : {"FOLIO_PAGER", "PAGER"}) {
    const char* v = std::getenv(var);
    if (v != nullptr) return v;
  }
  return on_path("less") ? "less" : "";
}

}  // namespace

Pager::Pager(const Globals& g) {
  if (g.no_pager || !stdout_is_terminal()) return;
  const std::string command = pager_command();
  if (command.find_first_not_of(" \t") == std::string::npos || command == "cat") return;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return;  // no pager: print directly
  std::cout.flush();
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return;
  }
  if (pid == 0) {
    ::dup2(fds[0], STDIN_FILENO);
    ::setenv("LESS", "FRX", 0);
    ::setenv("LESSSECURE", "1", 1);
    ::setenv("LESSHISTFILE", "-", 1);
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[0]);
  saved_stdout_ = ::dup(STDOUT_FILENO);
  ::dup2(fds[1], STDOUT_FILENO);
  ::close(fds[1]);
  // A pager quit early closes the pipe: the rest of the listing is dropped
  // (writes fail with EPIPE) instead of killing folio. Ctrl-C in the pager
  // is the pager's (folio has only printing left to do, and must wait for
  // the pager to give the terminal back).
  ::signal(SIGPIPE, SIG_IGN);
  ::signal(SIGINT, SIG_IGN);
  ::signal(SIGQUIT, SIG_IGN);
  child_ = pid;
}

Pager::~Pager() {
  if (child_ < 0) return;
  std::cout.flush();
  std::cout.clear();
  ::dup2(saved_stdout_, STDOUT_FILENO);  // closes the pipe's last write end
  ::close(saved_stdout_);
  int status = 0;
  while (::waitpid(child_, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace folio::cli
