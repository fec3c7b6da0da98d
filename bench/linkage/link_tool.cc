// `equidad link` and `equidad synth` alone, for iterating on the linker without building the
// whole server (bench/linkage/build_tool.sh compiles it from src/linkage and the few core files
// it needs). Same options and output as the server binary's subcommands.
#include <CLI/CLI.hpp>

#include "linkage/cli.h"

int main(int argc, char** argv) {
  CLI::App cli{"equidad link / synth (linkage bench tool)"};
  cli.require_subcommand(1);
  eq::linkage::add_commands(cli);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }
  return 0;
}
