// `folio __completion bash|zsh`: the shell completion scripts, made from the
// command tree CLI11 holds, so a new command or option is completed as soon
// as it exists. The build writes both scripts (CMakeLists.txt) and
// tests/cli/test_completion.py drives them.
#include "cli/completion.h"

#include <iostream>
#include <memory>
#include <string_view>
#include <vector>

#include "folio/error.h"
#include "folio/i18n.h"

namespace folio::cli {
namespace {

// What an option or argument takes, in the scripts' one-letter code:
// "" nothing (a flag), "w" a word folio cannot complete (an id, a tag, a
// date, a name: the vault's contents stay out of the login shell), "f" a
// file, "d" a folder, "c WORD..." one of fixed words, "h" a command name
// (for `folio help`; the second word of `help` is a subcommand of the first).
using Kind = std::string;

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// Which options take a path or one of fixed words. CLI11 knows only that an
// option takes a string, so this is the one place that says more; an option
// not named here completes nothing. `path` is the command ("restore",
// "checklist new"), `name` the option's long name or the argument's name.
Kind kind_of(const std::string& path, const std::string& name, bool positional) {
  if (positional) {
    if (path == "help") return "h";
    if (name == "file" || name == "paths") return "f";  // attach, export, import, restore, vectors run
    return "w";
  }
  if (name == "vault" || ends_with(name, "-dir")) return "d";
  if (name == "to" && path == "restore") return "d";
  if (ends_with(name, "-file") || name == "identity" || name == "output") return "f";
  if (name == "state") return "c needed requested obtained translated notarized submitted done n/a";
  if (name == "format") return "c json markdown";
  if (name == "from") return "c jrnl jrnl-json markdown";
  if (name == "lang") return "c en zh";
  return "w";
}

struct Opt {
  std::vector<std::string> names;  // "-t", "--tag"
  std::string long_name;           // "tag"; empty for a short-only option
  Kind kind;                       // "" for a flag
  std::string description;
  bool repeatable = false;
};

struct Arg {
  std::string name;
  Kind kind;
  bool repeatable = false;
};

struct Node {
  std::string path;  // "" for folio itself, else "checklist new"
  std::string description;
  std::vector<Opt> options;  // its own; the top node's are the global ones
  std::vector<Arg> args;
  std::vector<Node> children;
};

bool hidden(const CLI::App* a) { return a->get_group().empty(); }

Node walk(const CLI::App* app, const std::string& path) {
  Node node;
  node.path = path;
  node.description = app->get_description();
  for (const CLI::Option* o : app->get_options()) {
    if (o->get_group().empty()) continue;
    bool repeatable = o->get_items_expected_max() > 1 || o->get_expected_max() > 1;
    if (!o->nonpositional()) {
      node.args.push_back({o->get_single_name(), kind_of(path, o->get_single_name(), true), repeatable});
      continue;
    }
    Opt opt;
    for (const auto& s : o->get_snames()) opt.names.push_back("-" + s);
    for (const auto& l : o->get_lnames()) opt.names.push_back("--" + l);
    if (!o->get_lnames().empty()) opt.long_name = o->get_lnames().front();
    bool flag = o->get_expected_max() == 0;  // add_flag sets expected(0)
    opt.kind = flag ? "" : kind_of(path, opt.long_name, false);
    opt.description = o->get_description();
    opt.repeatable = !flag && repeatable;
    node.options.push_back(std::move(opt));
  }
  for (const CLI::App* sub : app->get_subcommands({})) {
    if (hidden(sub)) continue;
    node.children.push_back(walk(sub, path.empty() ? sub->get_name() : path + " " + sub->get_name()));
  }
  return node;
}

// An option of folio itself that every command takes too (CLI11's
// fallthrough): all but help and --version.
bool is_global(const Opt& o) {
  return o.long_name != "help" && o.long_name != "help-all" && o.long_name != "version";
}

std::string last_word(const std::string& path) { return path.substr(path.rfind(' ') + 1); }

template <typename F>
void each_node(const Node& n, F&& f) {
  f(n);
  for (const Node& c : n.children) each_node(c, f);
}

std::string names_of(const Node& n) {
  std::string out;
  for (const Node& c : n.children) out += (out.empty() ? "" : " ") + last_word(c.path);
  return out;
}

// ---- bash ----------------------------------------------------------------

// Names and words here are folio's own ASCII names, never user text; a
// single-quoted bash word holds them as they are.
std::string bash_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string bash_script(const Node& top) {
  std::string s =
      "# bash completion for folio(1). Made by 'folio __completion bash' from the\n"
      "# commands folio has; regenerate it rather than edit it.\n"
      "# It completes commands, options, fixed option values and file names, never\n"
      "# what is inside a vault (ids, tags, checklist names): that would need the\n"
      "# passphrase in the login shell.\n\n";

  s += "# The subcommands of command $1 (\"\" for folio itself), in REPLY.\n";
  s += "_folio_commands() {\n  case $1 in\n";
  each_node(top, [&](const Node& n) {
    if (!n.children.empty()) s += "    " + bash_quoted(n.path) + ") REPLY=" + bash_quoted(names_of(n)) + " ;;\n";
  });
  s += "    *) REPLY='' ;;\n  esac\n}\n\n";

  // A command's own -h/--help is in its options; --help-all and --version
  // belong to folio alone.
  std::string globals, top_only;
  for (const Opt& o : top.options) {
    for (const auto& name : o.names) {
      std::string& to = is_global(o) ? globals : top_only;
      to += (to.empty() ? "" : " ") + name;
    }
  }
  s += "# The options command $1 takes (the global ones included), in REPLY.\n";
  s += "_folio_options() {\n  case $1 in\n";
  each_node(top, [&](const Node& n) {
    if (n.path.empty()) return;
    std::string own;
    for (const Opt& o : n.options) {
      for (const auto& name : o.names) own += name + " ";
    }
    s += "    " + bash_quoted(n.path) + ") REPLY=" + bash_quoted(own + globals) + " ;;\n";
  });
  s += "    *) REPLY=" + bash_quoted(globals + " " + top_only) + " ;;\n  esac\n}\n\n";

  s += "# What option $2 of command $1 takes, in REPLY: '' (nothing), w (a word), f (a\n"
       "# file), d (a folder), or 'c WORD...' (one of those words).\n";
  s += "_folio_takes() {\n  case \"$1|$2\" in\n";
  each_node(top, [&](const Node& n) {
    if (n.path.empty()) return;
    for (const Opt& o : n.options) {
      if (o.kind.empty()) continue;
      std::string patterns;
      for (const auto& name : o.names) patterns += (patterns.empty() ? "" : "|") + bash_quoted(n.path + "|" + name);
      s += "    " + patterns + ") REPLY=" + bash_quoted(o.kind) + " ;;\n";
    }
  });
  for (const Opt& o : top.options) {
    if (o.kind.empty()) continue;
    std::string patterns;
    for (const auto& name : o.names) patterns += std::string(patterns.empty() ? "" : "|") + "*" + bash_quoted("|" + name);
    s += "    " + patterns + ") REPLY=" + bash_quoted(o.kind) + " ;;\n";
  }
  s += "    *) REPLY='' ;;\n  esac\n}\n\n";

  s += "# What argument $2 (1 = the first) of command $1 is, in REPLY: as above, or h\n"
       "# (a command name).\n";
  s += "_folio_argument() {\n  case \"$1|$2\" in\n";
  each_node(top, [&](const Node& n) {
    for (std::size_t i = 0; i < n.args.size(); ++i) {
      const Arg& a = n.args[i];
      std::string pattern = bash_quoted(n.path + "|" + std::to_string(i + 1));
      if (a.repeatable && i + 1 == n.args.size()) pattern = bash_quoted(n.path + "|") + "*";
      s += "    " + pattern + ") REPLY=" + bash_quoted(a.kind) + " ;;\n";
    }
  });
  s += "    *) REPLY='' ;;\n  esac\n}\n\n";

  s += R"BASH(# Completes a value of kind $1 (see _folio_takes) from the prefix $2.
_folio_values() {
  case $1 in
    f) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$2") ;;
    d) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "$2") ;;
    c\ *) mapfile -t COMPREPLY < <(compgen -W "${1#c }" -- "$2") ;;
    *) COMPREPLY=() ;;
  esac
}

_folio() {
  local cur=${COMP_WORDS[COMP_CWORD]} path='' count=0 first='' i w REPLY
  local option='' ended=0
  COMPREPLY=()
  # Walk the words before the cursor: command words extend the path, an
  # option that takes a value skips it (also as --option=value, which bash
  # splits at '='), anything else is an argument.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if ((ended)); then
      ((count++))
      continue
    fi
    case $w in
      --) ended=1 ;;
      -*)
        _folio_takes "$path" "$w"
        if [[ -n $REPLY ]]; then
          if [[ ${COMP_WORDS[i + 1]} == = ]]; then ((i += 2)); else ((i++)); fi
        fi
        ;;
      *)
        _folio_commands "$path"
        if ((count == 0)) && [[ -n $REPLY && " $REPLY " == *" $w "* ]]; then
          path=${path:+$path }$w
        else
          ((count++))
          ((count == 1)) && first=$w
        fi
        ;;
    esac
  done
  # The value of an option: after '--opt ', '--opt=' or '--opt=pre'.
  if ((!ended)); then
    if [[ $cur == = ]]; then
      option=${COMP_WORDS[COMP_CWORD - 1]}
      cur=''
    elif [[ ${COMP_WORDS[COMP_CWORD - 1]} == = ]]; then
      option=${COMP_WORDS[COMP_CWORD - 2]}
    elif ((COMP_CWORD > 1)); then
      option=${COMP_WORDS[COMP_CWORD - 1]}
    fi
    if [[ $option == -* ]]; then
      _folio_takes "$path" "$option"
      if [[ -n $REPLY ]]; then
        _folio_values "$REPLY" "$cur"
        return 0
      fi
    fi
    if [[ $cur == -* ]]; then
      _folio_options "$path"
      mapfile -t COMPREPLY < <(compgen -W "$REPLY" -- "$cur")
      return 0
    fi
  fi
  _folio_commands "$path"
  if ((count == 0)) && [[ -n $REPLY ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$REPLY" -- "$cur")
    return 0
  fi
  _folio_argument "$path" "$((count + 1))"
  if [[ $REPLY == h ]]; then
    # folio help COMMAND [SUBCOMMAND]
    _folio_commands "$( ((count == 0)) || printf %s "$first")"
    ((count < 2)) && mapfile -t COMPREPLY < <(compgen -W "$REPLY" -- "$cur")
    return 0
  fi
  _folio_values "$REPLY" "$cur"
  return 0
}

complete -F _folio folio
)BASH";
  return s;
}

// ---- zsh -----------------------------------------------------------------

// Inside single quotes, with the brackets of an _arguments description
// escaped.
std::string zsh_description(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else if (c == '[' || c == ']' || c == '\\') {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

std::string zsh_action(const Kind& kind) {
  if (kind == "f") return "_files";
  if (kind == "d") return "_files -/";
  if (kind.rfind("c ", 0) == 0) return "(" + kind.substr(2) + ")";
  return " ";
}

std::string zsh_function(const std::string& path) {
  std::string f = path.empty() ? "_folio" : "_folio_";
  for (char c : path) f += (c == ' ' || c == '-') ? '_' : c;
  return f;
}

// One _arguments spec for `o`: '(-t --tag)'{-t+,--tag=}'[a tag]:tag: '.
// `exclusive` replaces the exclusion list: "(- *)" for an option after which
// nothing else is completed.
std::string zsh_option(const Opt& o, const std::string& exclusive = "") {
  std::string names;
  for (const auto& n : o.names) {
    std::string spec = n;
    if (!o.kind.empty()) spec += n.rfind("--", 0) == 0 ? "=" : "+";
    names += (names.empty() ? "" : ",") + spec;
  }
  std::string lead;
  if (!exclusive.empty()) {
    lead = "'" + exclusive + "'";
  } else if (o.repeatable) {
    lead = "'*'";
  } else if (o.names.size() > 1) {
    std::string all;
    for (const auto& n : o.names) all += (all.empty() ? "" : " ") + n;
    lead = "'(" + all + ")'";
  }
  std::string body = "'[" + zsh_description(o.description) + "]";
  if (!o.kind.empty()) {
    std::string what = o.long_name.empty() ? "value" : o.long_name;
    body += ":" + what + ":" + zsh_action(o.kind);
  }
  body += "'";
  if (o.names.size() > 1) return lead + "{" + names + "}" + body;
  return lead + "'" + names + body.substr(1);
}

std::string zsh_script(const Node& top) {
  std::string s =
      "#compdef folio\n"
      "# zsh completion for folio(1). Made by 'folio __completion zsh' from the\n"
      "# commands folio has; regenerate it rather than edit it.\n"
      "# It completes commands, options, fixed option values and file names, never\n"
      "# what is inside a vault (ids, tags, checklist names): that would need the\n"
      "# passphrase in the login shell.\n\n";
  s += "_folio_globals=(\n";
  for (const Opt& o : top.options) {
    if (is_global(o)) s += "  " + zsh_option(o) + "\n";
  }
  s += ")\n\n";

  std::string top_names = names_of(top);
  each_node(top, [&](const Node& n) {
    s += zsh_function(n.path) + "() {\n";
    if (!n.children.empty()) {
      s += "  local curcontext=$curcontext state state_descr line ret=1\n"
           "  typeset -A opt_args\n"
           "  _arguments -C -S : $_folio_globals";
      if (n.path.empty()) {
        for (const Opt& o : n.options) {
          if (!is_global(o)) s += " \\\n    " + zsh_option(o, "(- *)");
        }
      } else {
        for (const Opt& o : n.options) s += " \\\n    " + zsh_option(o);
      }
      s += " \\\n    '1: :->command' '*:: :->argument' && ret=0\n";
      s += "  case $state in\n    command)\n      local -a commands\n      commands=(\n";
      for (const Node& c : n.children) {
        std::string d;
        for (char ch : c.description) d += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
        s += "        '" + last_word(c.path) + ":" + d + "'\n";
      }
      s += "      )\n      _describe -t commands 'folio" + (n.path.empty() ? "" : " " + n.path) +
           " command' commands && ret=0\n      ;;\n";
      s += "    argument)\n      curcontext=${curcontext%:*:*}:folio-$words[1]:\n      case $words[1] in\n";
      for (const Node& c : n.children) {
        s += "        " + last_word(c.path) + ") " + zsh_function(c.path) + " && ret=0 ;;\n";
      }
      s += "      esac\n      ;;\n  esac\n  return ret\n}\n\n";
      return;
    }
    s += "  _arguments -S : $_folio_globals";
    for (const Opt& o : n.options) s += " \\\n    " + zsh_option(o);
    for (std::size_t i = 0; i < n.args.size(); ++i) {
      const Arg& a = n.args[i];
      std::string action = a.kind == "h" ? "(" + top_names + ")" : zsh_action(a.kind);
      std::string place = a.repeatable && i + 1 == n.args.size() ? "*" : std::to_string(i + 1);
      s += " \\\n    '" + place + ":" + a.name + ":" + action + "'";
    }
    s += "\n}\n\n";
  });
  s += "_folio \"$@\"\n";
  return s;
}

}  // namespace

std::string completion_script(const CLI::App& app, const std::string& shell) {
  Node top = walk(&app, "");
  if (shell == "bash") return bash_script(top);
  if (shell == "zsh") return zsh_script(top);
  throw Error(Errc::invalid_argument, trf("no completion script for the shell '{0}'", shell),
              tr("folio has completion for bash and zsh: 'folio __completion bash'"));
}

void add_completion(CLI::App& app, Action& run) {
  CLI::App* cmd = app.add_subcommand("__completion", "print a shell completion script (bash or zsh)");
  cmd->group("");  // hidden: the build runs it, users get the installed scripts
  auto shell = std::make_shared<std::string>();
  cmd->add_option("shell", *shell, "bash or zsh")->required();
  cmd->callback([&app, &run, shell] {
    run = [&app, shell] {
      std::cout << completion_script(app, *shell);
      return 0;
    };
  });
}

}  // namespace folio::cli
