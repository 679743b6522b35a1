//! `cargo xtask bundle [--debug]`: the packages force IT installs. The app's `.deb` and `.rpm`
//! come from the Tauri bundler (the `@tauri-apps/cli` the UI already depends on, so nothing more
//! is installed); the gateway's `.deb` (`firstline-gateway` and `firstline-admin`, the systemd
//! unit, `/etc/firstline/gateway.toml` as a conffile, and the maintainer scripts, all from
//! `packaging/gateway/`) is assembled here and built by Debian's own `dpkg-deb`.

use std::path::{Path, PathBuf};

use crate::setup::Tools;
use crate::shell::{cargo, cmd, output, root, run};

/// The packages one bundle run made.
pub struct Bundles {
    /// The app's Debian package.
    pub app_deb: PathBuf,
    /// The app's RPM package.
    pub app_rpm: PathBuf,
    /// The gateway's Debian package.
    pub gateway_deb: PathBuf,
}

/// Builds every package: with `debug`, from the debug profile (quicker; what CI installs).
pub fn bundle(tools: &Tools, debug: bool) -> Result<Bundles, String> {
    crate::test::build_ui(tools)?;
    let profile = if debug { "debug" } else { "release" };
    // Only this run's packages: an older version left here must not be the one installed.
    let out = root().join("target").join(profile).join("bundle");
    for kind in ["deb", "rpm", "gateway"] {
        let _ = std::fs::remove_dir_all(out.join(kind));
    }
    let mut tauri = tools.command(
        &root()
            .join("ui/node_modules/.bin/tauri")
            .display()
            .to_string(),
        &["build", "--bundles", "deb,rpm"],
    );
    if debug {
        tauri.arg("--debug");
    }
    tauri.current_dir(root());
    run(tauri)?;
    let mut binaries = cargo(&[
        "build",
        "--locked",
        "-p",
        "firstline-backend",
        "-p",
        "firstline-admin",
        "--bins",
    ]);
    if !debug {
        binaries.arg("--release");
    }
    run(binaries)?;
    let bundles = Bundles {
        app_deb: only_file(&out.join("deb"), ".deb")?,
        app_rpm: only_file(&out.join("rpm"), ".rpm")?,
        gateway_deb: gateway_deb(&root().join("target").join(profile), &out.join("gateway"))?,
    };
    for package in [&bundles.app_deb, &bundles.app_rpm, &bundles.gateway_deb] {
        let size = std::fs::metadata(package).map(|m| m.len()).unwrap_or(0);
        println!(
            "xtask: {} ({:.1} MiB)",
            package.display(),
            size as f64 / 1_048_576.0
        );
    }
    Ok(bundles)
}

/// The one file in `folder` whose name ends with `suffix` (the bundler names it by version).
fn only_file(folder: &Path, suffix: &str) -> Result<PathBuf, String> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(|error| format!("{}: {error}", folder.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.to_string_lossy().ends_with(suffix))
        .collect();
    found.sort();
    found
        .pop()
        .ok_or_else(|| format!("no {suffix} in {}", folder.display()))
}

/// The workspace's version (`[workspace.package]`).
fn version() -> Result<String, String> {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml"))
        .map_err(|error| format!("Cargo.toml: {error}"))?;
    manifest
        .lines()
        .skip_while(|line| line.trim() != "[workspace.package]")
        .find_map(|line| {
            line.trim()
                .strip_prefix("version = \"")
                .and_then(|rest| rest.strip_suffix('"'))
        })
        .map(str::to_string)
        .ok_or_else(|| "no version in [workspace.package]".into())
}

/// Assembles and builds the gateway's package from the binaries in `built`.
fn gateway_deb(built: &Path, out: &Path) -> Result<PathBuf, String> {
    let version = version()?;
    let architecture = output(cmd("dpkg", &["--print-architecture"]))
        .map(|text| text.trim().to_string())
        .unwrap_or_else(|| "amd64".into());
    let packaging = root().join("packaging/gateway");
    let stage = out.join(format!("firstline-gateway_{version}_{architecture}"));
    let _ = std::fs::remove_dir_all(&stage);
    let file = |from: &Path, to: &str, mode: u32| -> Result<(), String> {
        let target = stage.join(to);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|error| error.to_string())?;
        }
        std::fs::copy(from, &target)
            .map_err(|error| format!("{} → {}: {error}", from.display(), target.display()))?;
        set_mode(&target, mode)
    };
    file(
        &built.join("firstline-gateway"),
        "usr/bin/firstline-gateway",
        0o755,
    )?;
    file(
        &built.join("firstline-admin"),
        "usr/bin/firstline-admin",
        0o755,
    )?;
    file(
        &packaging.join("firstline-gateway.service"),
        "usr/lib/systemd/system/firstline-gateway.service",
        0o644,
    )?;
    file(
        &packaging.join("gateway.toml"),
        "etc/firstline/gateway.toml",
        0o640,
    )?;
    file(
        &root().join("docs/deploy.md"),
        "usr/share/doc/firstline-gateway/deploy.md",
        0o644,
    )?;
    for script in ["postinst", "prerm", "postrm"] {
        file(&packaging.join(script), &format!("DEBIAN/{script}"), 0o755)?;
    }
    // Folders as a package ships them, whatever the umask of whoever built it.
    set_dir_modes(&stage)?;
    let installed_kib = dir_size(&stage) / 1024;
    let control = format!(
        "Package: firstline-gateway\n\
         Version: {version}\n\
         Architecture: {architecture}\n\
         Maintainer: Firstline <firstline@localhost>\n\
         Section: net\n\
         Priority: optional\n\
         Installed-Size: {installed_kib}\n\
         Depends: adduser, libc6 (>= 2.36)\n\
         Recommends: systemd\n\
         Suggests: postgresql\n\
         Description: Firstline force sync gateway and admin CLI\n \
         The gateway stores and forwards sealed domestic-abuse risk assessments from\n \
         Firstline devices and signs a receipt for each; firstline-admin sets the force\n \
         up, enrols devices and opens submissions. Runs as the firstline user under\n \
         systemd, configured in /etc/firstline/gateway.toml.\n"
    );
    std::fs::write(stage.join("DEBIAN/control"), control).map_err(|error| error.to_string())?;
    std::fs::write(
        stage.join("DEBIAN/conffiles"),
        "/etc/firstline/gateway.toml\n",
    )
    .map_err(|error| error.to_string())?;
    // What `debsums` and `dpkg --verify` check the installed files against.
    let mut md5sums = cmd(
        "md5sum",
        &["usr/bin/firstline-gateway", "usr/bin/firstline-admin"],
    );
    md5sums
        .args([
            "usr/lib/systemd/system/firstline-gateway.service",
            "usr/share/doc/firstline-gateway/deploy.md",
        ])
        .current_dir(&stage);
    let sums = output(md5sums).ok_or("md5sum failed on the staged package")?;
    std::fs::write(stage.join("DEBIAN/md5sums"), sums).map_err(|error| error.to_string())?;
    set_mode(&stage.join("DEBIAN/md5sums"), 0o644)?;
    let package = out.join(format!("firstline-gateway_{version}_{architecture}.deb"));
    let _ = std::fs::remove_file(&package);
    let mut build = cmd("dpkg-deb", &["--root-owner-group", "--build"]);
    build.arg(&stage).arg(&package);
    run(build)?;
    Ok(package)
}

/// Every folder under `path` (itself included) `0755`.
fn set_dir_modes(path: &Path) -> Result<(), String> {
    set_mode(path, 0o755)?;
    for entry in std::fs::read_dir(path).map_err(|error| error.to_string())? {
        let entry = entry.map_err(|error| error.to_string())?;
        if entry
            .file_type()
            .map_err(|error| error.to_string())?
            .is_dir()
        {
            set_dir_modes(&entry.path())?;
        }
    }
    Ok(())
}

fn set_mode(path: &Path, mode: u32) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|error| format!("{}: {error}", path.display()))
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| {
                    let path = entry.path();
                    if path.is_dir() {
                        dir_size(&path)
                    } else {
                        entry.metadata().map(|m| m.len()).unwrap_or(0)
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}
