//! A clean Debian 12 root for the installed-package test: `debootstrap --variant=minbase
//! bookworm` (kept as a tarball under target/tools, so a warm run does not fetch it again),
//! unpacked fresh each run, the app's and the gateway's `.deb` installed in it with apt as a
//! force's machine would install them, and the kernel's file systems (/proc, /sys, /dev)
//! mounted into it while the test runs. The X display and the session bus are reached through
//! their abstract sockets, so nothing of the host's /tmp is mounted in. No container engine
//! exists here; this needs root, as CI runs.

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
            self.mount(&["--rbind", from], to)?;
            // Never let an unmount here reach back into the host's own mounts.
            let mut slave = cmd("mount", &["--make-rslave"]);
            slave.arg(self.path.join(to));
            run(slave)?;
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
    let mut pack = cmd("tar", &["-cf"]);
    pack.arg(&partial).arg("-C").arg(&staging).arg(".");
    run(pack)?;
    std::fs::rename(&partial, tarball).map_err(|error| error.to_string())?;
    remove_root(&staging)
}

/// Removes an earlier root, first unmounting what a killed run left mounted in it. Deleting
/// through a mount would delete the host's own files (its /dev), so this refuses while any of
/// the mount points is still on another file system than the root, and deletes with `rm
/// --one-file-system`, which does not cross into one even so.
fn remove_root(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    if !path.exists() {
        return Ok(());
    }
    let device = |path: &Path| std::fs::symlink_metadata(path).map(|metadata| metadata.dev());
    let root_device = device(path).map_err(|error| format!("{}: {error}", path.display()))?;
    for sub in ["dev", "sys", "proc", "tmp"] {
        let point = path.join(sub);
        if device(&point).is_ok_and(|found| found != root_device) {
            let _ = cmd("umount", &["-R"]).arg(&point).status();
        }
        if device(&point).is_ok_and(|found| found != root_device) {
            return Err(format!(
                "{} is still mounted: unmount it (umount -R) before the root can be removed",
                point.display()
            ));
        }
    }
    let mut remove = cmd("rm", &["-rf", "--one-file-system"]);
    remove.arg(path);
    run(remove)
}
