//! A clean Debian 12 root for the installed-package test: `debootstrap --variant=minbase
//! bookworm` (kept as a tarball under target/tools, so a warm run does not fetch it again),
//! unpacked fresh each run, the app's and the gateway's `.deb` installed in it with apt as a
//! force's machine would install them, and the kernel's file systems (/proc, /sys, /dev)
//! mounted into it while the test runs. The X display and the session bus are reached through
//! their abstract sockets, so nothing of the host's /tmp is mounted in. No container engine
//! exists here; this needs root, as CI runs.
//!
//! All of it runs in a mount namespace of its own (`unshare --mount --propagation private`,
//! `xtask/src/test.rs`): the mounts are never the host's, an unmount cannot reach the host's
//! mounts, and whatever way the run ends (a panic, Ctrl-C, SIGKILL) they go with the
//! namespace. Deleting an old root still refuses while anything is mounted under it, and never
//! follows a symlink out of it.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::bundle::Bundles;
use crate::shell::{cmd, root, run};

/// A prepared root; unmounted on drop.
pub struct DebianRoot {
    path: PathBuf,
    mounted: Vec<PathBuf>,
}

/// What installing took, for the issue note.
pub struct Installed {
    /// Seconds `apt-get install` took for both packages and their dependencies.
    pub install_seconds: f64,
}

impl DebianRoot {
    /// The root's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Makes a fresh root and installs `bundles` in it.
    pub fn prepare(bundles: &Bundles) -> Result<(DebianRoot, Installed), String> {
        let tarball = root().join("target/tools/bookworm-minbase.tar");
        if !tarball.exists() {
            bootstrap(&tarball)?;
        }
        let path = root().join("target/package-test/root");
        remove_root(&path)?;
        std::fs::create_dir_all(&path).map_err(|error| error.to_string())?;
        let mut unpack = cmd("tar", &["-xf"]);
        unpack.arg(&tarball).arg("-C").arg(&path);
        run(unpack)?;
        // Name resolution as the host has it now (the tarball has the one of its day).
        std::fs::copy("/etc/resolv.conf", path.join("etc/resolv.conf"))
            .map_err(|error| format!("/etc/resolv.conf: {error}"))?;
        let mut prepared = DebianRoot {
            path,
            mounted: Vec::new(),
        };
        prepared.mount_all()?;
        let debs = prepared.path.join("var/cache/firstline-packages");
        std::fs::create_dir_all(&debs).map_err(|error| error.to_string())?;
        let mut inside = Vec::new();
        for package in [&bundles.app_deb, &bundles.gateway_deb] {
            let name = package
                .file_name()
                .ok_or("a package without a file name")?
                .to_string_lossy()
                .into_owned();
            std::fs::copy(package, debs.join(&name)).map_err(|error| error.to_string())?;
            inside.push(format!("/var/cache/firstline-packages/{name}"));
        }
        run(prepared.chroot(&["apt-get", "-q", "update"]))?;
        let started = Instant::now();
        let mut install = prepared.chroot(&[
            "apt-get",
            "install",
            "-y",
            "-q",
            "--no-install-recommends",
            // Text for the window (a desktop has fonts; minbase has none).
            "fonts-dejavu-core",
        ]);
        install.args(&inside);
        install.env("DEBIAN_FRONTEND", "noninteractive");
        run(install)?;
        let installed = Installed {
            install_seconds: started.elapsed().as_secs_f64(),
        };
        Ok((prepared, installed))
    }

    /// A command run inside the root as root.
    pub fn chroot(&self, args: &[&str]) -> std::process::Command {
        let mut command = cmd("chroot", &[]);
        command.arg(&self.path).args(args);
        command
    }

    fn mount_all(&mut self) -> Result<(), String> {
        self.mount(&["-t", "proc", "proc"], "proc")?;
        for (from, to) in [("/sys", "sys"), ("/dev", "dev")] {
            self.mount(&["--rbind", "--make-rslave", from], to)?;
        }
        Ok(())
    }

    fn mount(&mut self, how: &[&str], at: &str) -> Result<(), String> {
        let target = self.path.join(at);
        std::fs::create_dir_all(&target).map_err(|error| error.to_string())?;
        let mut mount = cmd("mount", how);
        mount.arg(&target);
        run(mount)?;
        self.mounted.push(target);
        Ok(())
    }
}

impl Drop for DebianRoot {
    fn drop(&mut self) {
        for target in self.mounted.iter().rev() {
            let _ = cmd("umount", &["-R"]).arg(target).status();
        }
    }
}

/// Fetches Debian 12 (minbase) with debootstrap, installing debootstrap first if missing, and
/// keeps it as `tarball`.
fn bootstrap(tarball: &Path) -> Result<(), String> {
    crate::setup::debian_packages(&["debootstrap"])?;
    let staging = root().join("target/package-test/bootstrap");
    remove_root(&staging)?;
    let mut debootstrap = cmd("debootstrap", &["--variant=minbase", "bookworm"]);
    debootstrap
        .arg(&staging)
        .arg("http://deb.debian.org/debian");
    run(debootstrap)?;
    if let Some(folder) = tarball.parent() {
        std::fs::create_dir_all(folder).map_err(|error| error.to_string())?;
    }
    let partial = tarball.with_extension("tar.partial");
    let mut pack = cmd("tar", &["--one-file-system", "-cf"]);
    pack.arg(&partial).arg("-C").arg(&staging).arg(".");
    run(pack)?;
    std::fs::rename(&partial, tarball).map_err(|error| error.to_string())?;
    remove_root(&staging)
}

/// Removes an earlier root. Deleting through a mount or a symlink would delete the host's own
/// files (its /dev), so this refuses a root that is a symlink or not where it says it is,
/// unmounts (in this namespace) whatever /proc/self/mountinfo shows at or under it, refuses
/// while anything is still mounted there, and deletes with `rm --one-file-system`.
fn remove_root(path: &Path) -> Result<(), String> {
    let Ok(metadata) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    let canonical = std::fs::canonicalize(path).map_err(|error| error.to_string())?;
    if !metadata.is_dir() || canonical != path {
        return Err(format!(
            "{} is not a plain folder (a symlink?): remove it yourself",
            path.display()
        ));
    }
    let mounted = || -> Vec<String> {
        let prefix = format!("{}/", canonical.display());
        let mut points: Vec<String> = std::fs::read_to_string("/proc/self/mountinfo")
            .unwrap_or_default()
            .lines()
            .filter_map(|line| line.split(' ').nth(4).map(str::to_string))
            .filter(|point| point.starts_with(&prefix) || *point == canonical.display().to_string())
            .collect();
        // Deepest first.
        points.sort_by_key(|point| std::cmp::Reverse(point.len()));
        points
    };
    for point in mounted() {
        let _ = cmd("umount", &["-R", point.as_str()]).status();
    }
    let left = mounted();
    if !left.is_empty() {
        return Err(format!(
            "{} still has mounts ({}): unmount them before it can be removed",
            path.display(),
            left.join(", ")
        ));
    }
    let mut remove = cmd("rm", &["-rf", "--one-file-system"]);
    remove.arg(path);
    run(remove)
}
