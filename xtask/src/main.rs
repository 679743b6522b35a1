//! `cargo xtask`: the project's own commands. `setup` installs what is missing, `run` builds and
//! opens the app, `test` runs every check and test that CI runs, `bench` measures.
//!
//! Plain std, no dependencies, so it compiles in seconds on a fresh clone.

mod bench;
mod bundle;
mod debian_root;
mod local_force;
mod rules;
mod setup;
mod shell;
mod test;

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <command>

Commands:
  setup   Install what is missing and nothing else: Debian packages (as root; otherwise
          prints the sudo line and stops), Node.js if the machine's is older than 20.19,
          the UI's npm packages from ui/package-lock.json, tauri-driver ^2, and
          schemathesis (the API contract test's tool) into a Python venv under
          target/tools from the hash-pinned
          crates/backend/tests/api_contract/requirements.txt.
  run     setup, build the UI and the app (debug, UI embedded, `development` feature:
          also trusts the demo force's pack key and --pack), start a local force
          gateway on its embedded SQLite default (target/local-force/, demo force keys
          made by firstline-admin on first run), and open the app enrolled with it, so
          finalised assessments sync at once. The gateway stops when the app closes.
          `run --training` opens straight into scenario mode with the shipped
          scenarios (set a trainer's PIN at first use; nothing in it ever syncs).
  test    setup, then every check CI runs, stopping at the first failure: cargo fmt,
          clippy -D warnings, the dependency rule, the UI's type check, linter and unit
          tests, the workspace's Rust tests (the gateway's suite on SQLite and on a real
          PostgreSQL server it starts on a private port, also over TLS; the API contract
          test, schemathesis against a real gateway; the sync fault and kill suites),
          the packages (`bundle --debug`), the app built twice (without the
          `development` feature, as a force ships it, kept as
          target/debug/firstline-release-trust; then with it), the end-to-end suite in
          the real window against a real gateway, and last the packages installed with
          apt in a clean Debian 12 root (debootstrap, kept as
          target/tools/bookworm-minbase.tar) and driven there: the gateway from its
          unit's ExecStart, the installed app enrolled by its machine policy.
          Phase times are written to target/xtask/test-phases.txt.
  bench   setup, then the benchmarks (release builds): the form engine (criterion:
          answer + view on a generated 300-question pack; load and verify the default
          pack; reports in target/criterion); the vault's answer save beside a plain
          insert; draining 10,000 envelopes beside plain POST loops of the same bytes;
          the gateway's ingest rate on SQLite and PostgreSQL; and app cold start beside
          a bare Tauri window (target/xtask/bench.txt).
  bundle  setup, then the packages: the app's .deb and .rpm (Tauri bundler) and the
          gateway's .deb (firstline-gateway and firstline-admin, the systemd unit, the
          configuration file, maintainer scripts from packaging/gateway/), under
          target/release/bundle/ (target/debug/bundle/ with --debug, quicker).
  package-test
          setup, `bundle --debug`, then only the last phase of `test`: the packages
          installed in a clean Debian 12 root and driven there.
  help    This text.
";

fn main() -> ExitCode {
    let command = std::env::args().nth(1).unwrap_or_else(|| "help".into());
    let result = match command.as_str() {
        "setup" => setup::setup().map(|_| ()),
        "run" => run(),
        "test" => test::test(),
        "bench" => bench::bench(),
        "installed-package-inner" => {
            let args: Vec<String> = std::env::args().skip(2).collect();
            match args.as_slice() {
                [app_deb, gateway_deb] => test::installed_package_inner(
                    std::path::Path::new(app_deb),
                    std::path::Path::new(gateway_deb),
                ),
                _ => Err("installed-package-inner APP_DEB GATEWAY_DEB (run by `test`)".into()),
            }
        }
        "package-test" => setup::setup().and_then(|tools| {
            let bundles = bundle::bundle(&tools, true)?;
            test::installed_package(&bundles)
        }),
        "bundle" => setup::setup().and_then(|tools| {
            let debug = std::env::args().skip(2).any(|arg| arg == "--debug");
            bundle::bundle(&tools, debug).map(|_| ())
        }),
        "help" | "--help" | "-h" => {
            print!("{HELP}");
            Ok(())
        }
        other => Err(format!("unknown command {other:?}\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let tools = setup::setup()?;
    test::build_ui(&tools)?;
    test::build_app(&["--features", "development"])?;
    let force = local_force::start()?;
    let app = shell::root().join("target/debug/firstline");
    let mut command = std::process::Command::new(app);
    command.args(["--enrol", &force.url, &force.enrolment_code]);
    if std::env::args().skip(2).any(|arg| arg == "--training") {
        command.arg("--training");
    }
    shell::run(command)
}
