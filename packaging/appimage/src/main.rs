//! Packs Interview Desk into an AppImage: the release binary as the AppDir's entry point, the
//! desktop entry (whose `StartupWMClass` matches the window's app ID) and the 256 px icon.
//!
//! Usage: `interview-desk-appimage <binary> <desktop entry> <icon.png> <out.AppImage>`.
//! Needs `mksquashfs` on `PATH`. The AppImage runs with FUSE, or anywhere with
//! `--appimage-extract-and-run` (containers, CI).

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

/// The binary's, the desktop entry's and the icon's name inside the AppDir.
const NAME: &str = "interview-desk";

fn main() -> Result<()> {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [binary, desktop, icon, out] = args.as_slice() else {
        bail!("usage: interview-desk-appimage <binary> <desktop entry> <icon.png> <out.AppImage>");
    };
    let build_dir = out.with_extension("build");
    std::fs::create_dir_all(&build_dir).with_context(|| format!("creating {}", build_dir.display()))?;
    let image = appimage::AppImage::new(&build_dir, NAME.to_owned())?;
    image.add_file(binary, Path::new(NAME)).with_context(|| format!("copying {}", binary.display()))?;
    image.add_apprun()?;
    image.add_file(desktop, Path::new(&format!("{NAME}.desktop")))?;
    image.add_icon(icon)?;
    image.add_file(icon, &Path::new("usr/share/icons/hicolor/256x256/apps").join(format!("{NAME}.png")))?;
    image.build(out, None).context("packing the AppDir (is squashfs-tools installed?)")?;
    std::fs::remove_dir_all(&build_dir).with_context(|| format!("removing {}", build_dir.display()))?;
    Ok(())
}
