//! `aidoctor man [COMMAND]` and `aidoctor man --dir DIR`: aidoctor(1) and one page per
//! command (aidoctor-check(1), aidoctor-rules-list(1), ...), generated from the same
//! definitions as `--help`, each with every option of its command.

use super::{AppError, out_err, write_out};
use crate::cli::Cli;
use crate::report::Exit;
use std::path::Path;

/// The command tree as the pages describe it: built (global options and help flags
/// propagated, sub-pages named `aidoctor-check`), without the `help` pseudo-command.
fn command() -> clap::Command {
    let mut cmd = <Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// Every page: (file name, command), the top one first.
pub fn pages() -> Vec<(String, clap::Command)> {
    fn walk(cmd: &clap::Command, out: &mut Vec<(String, clap::Command)>) {
        let man = clap_mangen::Man::new(cmd.clone());
        out.push((man.get_filename(), cmd.clone()));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub, out);
        }
    }
    let mut out = Vec::new();
    walk(&command(), &mut out);
    out
}

fn render(cmd: clap::Command) -> Result<Vec<u8>, AppError> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut buf)
        .map_err(out_err)?;
    Ok(buf)
}

pub fn run(path: &[String], dir: Option<&Path>) -> Result<Exit, AppError> {
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir)
            .map_err(|e| AppError::Io(format!("cannot create {}", dir.display()), e))?;
        let pages = pages();
        for (name, cmd) in &pages {
            let file = dir.join(name);
            std::fs::write(&file, render(cmd.clone())?)
                .map_err(|e| AppError::Io(format!("cannot write {}", file.display()), e))?;
        }
        super::output::note(&format!(
            "Wrote {} man pages into {}.",
            pages.len(),
            dir.display()
        ));
        return Ok(Exit::Ok);
    }
    let mut cmd = command();
    for name in path {
        let Some(sub) = cmd.find_subcommand(name).cloned() else {
            let known: Vec<&str> = cmd
                .get_subcommands()
                .filter(|s| !s.is_hide_set())
                .map(|s| s.get_name())
                .collect();
            return Err(AppError::Usage(format!(
                "no man page for `{}`: the commands are {}",
                path.join(" "),
                known.join(", ")
            )));
        };
        cmd = sub;
    }
    write_out(&render(cmd)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_the_top_page_names_exists_and_lists_its_options() {
        let pages = pages();
        let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
        for want in [
            "aidoctor.1",
            "aidoctor-check.1",
            "aidoctor-report.1",
            "aidoctor-rules.1",
            "aidoctor-rules-list.1",
            "aidoctor-rules-show.1",
            "aidoctor-snapshot.1",
        ] {
            assert!(names.contains(&want), "{want} not in {names:?}");
        }
        let top = String::from_utf8(render(pages[0].1.clone()).unwrap()).unwrap();
        for (name, _) in &pages[1..] {
            let stem = name.trim_end_matches(".1");
            // Only direct children are named on the top page.
            if stem.matches('-').count() == 1 {
                assert!(
                    top.contains(&format!("{}(1)", stem.replace('-', "\\-"))),
                    "{stem}"
                );
            }
        }
        let check = pages.iter().find(|(n, _)| n == "aidoctor-check.1").unwrap();
        let page = String::from_utf8(render(check.1.clone()).unwrap()).unwrap();
        for opt in [
            "strict", "quiet", "format", "replay", "timeout", "offline", "color",
        ] {
            assert!(
                page.contains(&format!("\\-\\-{opt}")),
                "--{opt} missing:\n{page}"
            );
        }
    }
}
