//! As entregas de uma turma, como elas chegam ao professor:
//!
//! - uma subpasta por aluno (o nome da pasta é o nome do aluno), com o
//!   workspace na raiz dela ou uma ou duas pastas abaixo (`ana/kit-turma/`);
//! - um `.zip` por aluno (`ana.zip`);
//! - o "baixar todas as entregas" do Moodle: uma pasta por aluno chamada
//!   `Nome Sobrenome_123456_assignsubmission_file_`, com um `.zip` ou os
//!   arquivos dentro (ou, sem pastas, arquivos com esse prefixo).
//!
//! Tudo o que não é entrega aparece em [`Found::skipped`], com o motivo.

use std::fs;
use std::path::{Path, PathBuf};

use super::isolamento::Sandbox;
use super::selecao::STUDENT_FOLDERS;

/// Até quantas pastas abaixo procurar o workspace numa entrega.
const MAX_DEPTH: usize = 3;

/// O que foi achado na pasta da turma.
#[derive(Debug, Default)]
pub struct Found {
    /// As entregas: o nome do aluno e a pasta com o workspace.
    pub submissions: Vec<(String, PathBuf)>,
    /// O que não virou entrega, com o motivo.
    pub skipped: Vec<String>,
}

/// O nome do aluno num nome do Moodle (`Ana Souza_123456_assignsubmission_file_`
/// → `Ana Souza`); outros nomes ficam como estão, sem a extensão `.zip`.
pub fn student_name(entry: &str) -> String {
    let stem = entry.strip_suffix(".zip").unwrap_or(entry);
    if let Some(at) = stem.find("_assignsubmission_") {
        let before = &stem[..at];
        if let Some((name, id)) = before.rsplit_once('_') {
            if !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()) {
                return name.to_string();
            }
        }
        return before.to_string();
    }
    stem.to_string()
}

/// A pasta abaixo de `dir` (até [`MAX_DEPTH`] níveis) que tem o workspace do
/// kit: a primeira, em ordem alfabética, que tenha uma das pastas de código.
pub fn find_workspace(dir: &Path) -> Option<PathBuf> {
    fn search(dir: &Path, depth: usize) -> Option<PathBuf> {
        if STUDENT_FOLDERS.iter().any(|f| dir.join(f).is_dir()) {
            return Some(dir.to_path_buf());
        }
        if depth == 0 {
            return None;
        }
        let mut children: Vec<PathBuf> = fs::read_dir(dir)
            .ok()?
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                !name.starts_with('.') && name != "target" && name != "__MACOSX"
            })
            .map(|e| e.path())
            .collect();
        children.sort();
        children
            .into_iter()
            .find_map(|child| search(&child, depth - 1))
    }
    search(dir, MAX_DEPTH)
}

/// Acha as entregas em `folder`. Os `.zip` são abertos (numa caixa, com
/// `unzip`) em `unpacked`.
pub fn discover(folder: &Path, unpacked: &Path, sandbox: &Sandbox) -> Result<Found, String> {
    let mut entries: Vec<fs::DirEntry> = fs::read_dir(folder)
        .map_err(|e| format!("{}: {e}", folder.display()))?
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    let mut found = Found::default();
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if ["notas.csv", "devolutiva", "semelhancas.txt"].contains(&name.as_str()) {
            continue; // o que a própria correção escreve
        }
        let kind = entry.file_type().map_err(|e| format!("{name}: {e}"))?;
        let path = entry.path();
        let student = student_name(&name);
        let workspace = if kind.is_dir() {
            match find_workspace(&path) {
                Some(workspace) => Ok(workspace),
                None => match zips_in(&path).as_slice() {
                    [zip] => unzip(zip, &unpacked.join(super::cell_name(&student)), sandbox),
                    [] => Err(format!(
                        "sem o workspace do kit ({}) nem um .zip",
                        STUDENT_FOLDERS.join(", ")
                    )),
                    _ => Err("mais de um .zip: não sei qual é a entrega".into()),
                },
            }
        } else if kind.is_file() && name.to_lowercase().ends_with(".zip") {
            unzip(&path, &unpacked.join(super::cell_name(&student)), sandbox)
        } else {
            Err("não é uma pasta nem um .zip".into())
        };
        match workspace {
            Ok(workspace) => {
                if found.submissions.iter().any(|(s, _)| *s == student) {
                    found.skipped.push(format!(
                        "{name}: outra entrega de {student} (ficou a primeira)"
                    ));
                } else {
                    found.submissions.push((student, workspace));
                }
            }
            Err(why) => found.skipped.push(format!("{name}: {why}")),
        }
    }
    Ok(found)
}

/// Os `.zip` logo dentro de `dir`.
fn zips_in(dir: &Path) -> Vec<PathBuf> {
    let mut zips: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.is_file()
                        && p.extension()
                            .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case("zip"))
                })
                .collect()
        })
        .unwrap_or_default();
    zips.sort();
    zips
}

/// Abre `zip` em `destination` (apagada antes) e acha o workspace dentro.
fn unzip(zip: &Path, destination: &Path, sandbox: &Sandbox) -> Result<PathBuf, String> {
    let content = extract(zip, destination, sandbox)?;
    find_workspace(&content).ok_or_else(|| {
        format!(
            "o .zip não tem o workspace do kit ({})",
            STUDENT_FOLDERS.join(", ")
        )
    })
}

/// Abre `zip` em `destination/conteudo` (`destination` é apagada antes) e
/// devolve essa pasta. O `unzip` roda na caixa: um arquivo com `../` no nome
/// ou uma bomba de compressão só alcança a pasta de destino, e por tempo
/// limitado.
fn extract(zip: &Path, destination: &Path, sandbox: &Sandbox) -> Result<PathBuf, String> {
    let _ = fs::remove_dir_all(destination);
    fs::create_dir_all(destination).map_err(|e| format!("{}: {e}", destination.display()))?;
    let inside = destination.join("entrega.zip");
    fs::copy(zip, &inside).map_err(|e| format!("{}: {e}", zip.display()))?;
    let run = sandbox
        .run(
            destination,
            destination,
            "",
            "unzip",
            &["-q", "-o", "entrega.zip", "-d", "conteudo"],
            &[],
            std::time::Duration::from_secs(120),
        )
        .map_err(|e| {
            format!("não foi possível rodar o unzip (instale: sudo apt install unzip): {e}")
        })?;
    let _ = fs::remove_file(&inside);
    if !run.success() {
        let why = run.all().lines().next().unwrap_or("").to_string();
        return Err(format!("o .zip não abriu: {why}"));
    }
    Ok(destination.join("conteudo"))
}

/// A pasta da turma quando o professor passa um `.zip` (o "baixar todas as
/// entregas" do Moodle vem assim): `turma.zip` é aberto, na caixa, em
/// `turma/` ao lado dele, na primeira vez; nas seguintes (`--aluno`), a pasta
/// já aberta é usada. Outra coisa que não um `.zip` volta como veio.
pub fn open_class(path: &Path, sandbox: &Sandbox) -> Result<PathBuf, String> {
    let is_zip = path.is_file()
        && path
            .extension()
            .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case("zip"));
    if !is_zip {
        return Ok(path.to_path_buf());
    }
    let folder = path.with_extension("");
    if folder.join("conteudo").is_dir() {
        return Ok(folder.join("conteudo"));
    }
    if folder.exists() {
        return Err(format!(
            "{} já existe e não é a turma aberta daquele .zip: mova-a ou abra o .zip você mesmo",
            folder.display()
        ));
    }
    eprintln!("abrindo {} em {}...", path.display(), folder.display());
    extract(path, &folder, sandbox)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nomes_do_moodle() {
        assert_eq!(
            student_name("Ana Souza_123456_assignsubmission_file_"),
            "Ana Souza"
        );
        assert_eq!(
            student_name("João da Silva_98_assignsubmission_file_kit.zip"),
            "João da Silva"
        );
        assert_eq!(student_name("bruno.zip"), "bruno");
        assert_eq!(student_name("carla"), "carla");
    }

    #[test]
    fn turma_do_moodle_num_zip_so_e_aberta_e_achada() {
        let root = std::env::temp_dir().join(format!("moodle-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let export = root.join("exportado");
        let ana = export.join("Ana Souza_123_assignsubmission_file_/kit-turma/udp-echo/src");
        fs::create_dir_all(&ana).unwrap();
        fs::write(ana.join("lib.rs"), "").unwrap();
        fs::create_dir_all(export.join("Bruno_456_assignsubmission_file_")).unwrap();
        fs::write(
            export.join("Bruno_456_assignsubmission_file_/leia.txt"),
            "x",
        )
        .unwrap();
        let zip = root.join("turma.zip");
        // O zip do Moodle: as pastas dos alunos na raiz.
        let made = std::process::Command::new("python3")
            .args([
                "-c",
                "import shutil,sys; shutil.make_archive(sys.argv[1], 'zip', sys.argv[2])",
            ])
            .arg(root.join("turma"))
            .arg(&export)
            .status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("NÃO RODOU: sem python3 para criar o .zip");
            return;
        }
        let sandbox = Sandbox::unisolated().unwrap();
        let folder = open_class(&zip, &sandbox).unwrap();
        assert_eq!(folder, root.join("turma/conteudo"));
        let found = discover(&folder, &root.join("extraidas"), &sandbox).unwrap();
        assert_eq!(found.submissions.len(), 1, "{found:?}");
        assert_eq!(found.submissions[0].0, "Ana Souza");
        assert!(found.skipped[0].starts_with("Bruno_456"), "{found:?}");
        // Na segunda vez (corrigir um aluno de novo), a pasta aberta serve.
        assert_eq!(open_class(&zip, &sandbox).unwrap(), folder);
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn workspace_uma_pasta_abaixo() {
        let root = std::env::temp_dir().join(format!("entregas-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("ana/kit-turma/udp-echo/src")).unwrap();
        fs::create_dir_all(root.join("ana/__MACOSX/udp-echo/src")).unwrap();
        fs::create_dir_all(root.join("bruno/vazio")).unwrap();
        assert_eq!(
            find_workspace(&root.join("ana")),
            Some(root.join("ana/kit-turma"))
        );
        assert_eq!(find_workspace(&root.join("bruno")), None);
        let _ = fs::remove_dir_all(&root);
    }
}
