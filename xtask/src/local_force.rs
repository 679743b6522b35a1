//! The local force behind `cargo xtask run`: a `firstline-gateway` on its embedded SQLite
//! default under `target/local-force/`, a demo force made by `firstline-admin init-force`
//! (keys kept there, reused on later runs), and a fresh one-time enrolment code for the app.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use crate::shell::{cargo, output, root, run};

/// Where the local gateway listens.
pub const ADDRESS: &str = "127.0.0.1:8643";

/// A running local gateway, stopped when dropped.
pub struct LocalForce {
    gateway: Child,
    /// The gateway's base URL.
    pub url: String,
    /// A one-time enrolment code for the app.
    pub enrolment_code: String,
}

impl Drop for LocalForce {
    fn drop(&mut self) {
        let _ = self.gateway.kill();
        let _ = self.gateway.wait();
    }
}

fn binary(name: &str) -> PathBuf {
    root().join("target/debug").join(name)
}

/// Builds the gateway and the admin CLI, sets the demo force up, starts the gateway and issues
/// an enrolment code.
pub fn start() -> Result<LocalForce, String> {
    run(cargo(&[
        "build",
        "--locked",
        "-p",
        "firstline-backend",
        "-p",
        "firstline-admin",
        "--bins",
    ]))?;
    let folder = root().join("target/local-force");
    std::fs::create_dir_all(&folder).map_err(|error| format!("{}: {error}", folder.display()))?;
    let database = folder.join("gateway.sqlite").display().to_string();
    let keys = folder.join("keys").display().to_string();
    let root_key = folder.join("offline/root.key").display().to_string();
    let safeguarding = folder.join("safeguarding");
    let admin = binary("firstline-admin");
    if !safeguarding.join("safeguarding.pub").exists() {
        // On a real force the safeguarding unit runs this on its own machine.
        run(crate::shell::cmd(
            &admin,
            &[
                "safeguarding-keygen",
                "--out",
                &safeguarding.display().to_string(),
            ],
        ))?;
    }
    run(crate::shell::cmd(
        &admin,
        &[
            "init-force",
            "--database",
            &database,
            "--name",
            "Demo Constabulary (local)",
            "--keys",
            &keys,
            "--root-key",
            &root_key,
            "--safeguarding-public",
            &safeguarding.join("safeguarding.pub").display().to_string(),
            "--commands-key",
            &folder.join("it/commands.key").display().to_string(),
        ],
    ))?;
    let enrolment_code = output(crate::shell::cmd(
        &admin,
        &["enrolment-code", "--database", &database],
    ))
    .and_then(|printed| printed.lines().next().map(|code| code.trim().to_string()))
    .ok_or("firstline-admin could not issue an enrolment code")?;
    let receipt_key = folder
        .join("keys/receipt-signing.key")
        .display()
        .to_string();
    let mut gateway = Command::new(binary("firstline-gateway"))
        .args(["--database", &database, "--listen", ADDRESS])
        .args(["--receipt-key", &receipt_key])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|error| format!("could not start firstline-gateway: {error}"))?;
    let mut line = String::new();
    if let Some(stdout) = gateway.stdout.take() {
        let _ = BufReader::new(stdout).read_line(&mut line);
    }
    let Some(url) = line
        .trim()
        .strip_prefix("listening on ")
        .map(str::to_string)
    else {
        let _ = gateway.kill();
        return Err(format!(
            "the local gateway did not start on {ADDRESS} (is another `cargo xtask run` open?)"
        ));
    };
    println!("local force gateway on {url} (database {database}; keys in {keys})");
    Ok(LocalForce {
        gateway,
        url,
        enrolment_code,
    })
}
