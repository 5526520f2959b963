//! O único passeio por pastas do crate: o kit, o verificador do livro, a
//! escolha dos arquivos de uma entrega, a busca do workspace dentro dela e a
//! cópia dela para a pasta de trabalho (`notas::copy_tree`) usam este.
//!
//! Só o std: são trinta linhas, e o `walkdir` traria dois crates para os
//! alunos compilarem sem fazer nada que elas não façam.

use std::fs;
use std::path::{Path, PathBuf};

/// Uma entrada achada no passeio.
#[derive(Debug)]
pub struct Entry {
    /// O caminho relativo à pasta de onde o passeio começou.
    pub relative: PathBuf,
    /// O tipo da própria entrada: um link simbólico é um link, nunca o que
    /// ele aponta.
    pub kind: fs::FileType,
}

/// Todas as entradas abaixo de `root`, relativas a ela, em ordem
/// alfabética: cada pasta seguida do que ela tem dentro (a ordem de
/// `PathBuf`, a mesma de um `sort()` no fim; a mesma em qualquer máquina).
///
/// `descend` recebe o caminho relativo de cada pasta e diz se o passeio
/// entra nela; a pasta em si aparece na lista de qualquer jeito.
///
/// Links simbólicos nunca são seguidos: um link numa entrega de aluno que
/// aponte para `/etc` ou para a solução do professor aparece como link, e
/// quem chamou decide o que fazer com ele. Uma pasta que não pode ser lida
/// é um erro, com o caminho.
pub fn walk(root: &Path, descend: &dyn Fn(&Path) -> bool) -> Result<Vec<Entry>, String> {
    let mut found = Vec::new();
    visit(root, Path::new(""), descend, &mut found)?;
    Ok(found)
}

fn visit(
    root: &Path,
    relative: &Path,
    descend: &dyn Fn(&Path) -> bool,
    found: &mut Vec<Entry>,
) -> Result<(), String> {
    let dir = root.join(relative);
    let error = |e: std::io::Error| format!("{}: {e}", dir.display());
    let mut entries = fs::read_dir(&dir)
        .map_err(error)?
        .map(|entry| {
            let entry = entry.map_err(error)?;
            // `DirEntry::file_type` não segue o link (o `Path::is_dir` seguiria).
            let kind = entry.file_type().map_err(error)?;
            Ok(Entry {
                relative: relative.join(entry.file_name()),
                kind,
            })
        })
        .collect::<Result<Vec<Entry>, String>>()?;
    entries.sort_by(|a, b| a.relative.cmp(&b.relative));
    for entry in entries {
        let inside = entry.kind.is_dir() && descend(&entry.relative);
        let relative = entry.relative.clone();
        found.push(entry);
        if inside {
            visit(root, &relative, descend, found)?;
        }
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn names(entries: &[Entry]) -> Vec<String> {
        entries
            .iter()
            .map(|e| e.relative.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn passeio_em_ordem_sem_seguir_links_e_sem_entrar_onde_nao_deve() {
        let root = std::env::temp_dir().join(format!("pastas-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        for dir in ["b/c", "a", "target/debug", "fora"] {
            fs::create_dir_all(root.join(dir)).unwrap();
        }
        for file in [
            "b/c/z.rs",
            "b/a.rs",
            "a/x.rs",
            "target/debug/lixo",
            "fora/segredo",
        ] {
            fs::write(root.join(file), "").unwrap();
        }
        std::os::unix::fs::symlink(root.join("fora"), root.join("b/link")).unwrap();
        let entries = walk(&root, &|relative| relative != Path::new("target")).unwrap();
        assert_eq!(
            names(&entries),
            [
                "a",
                "a/x.rs",
                "b",
                "b/a.rs",
                "b/c",
                "b/c/z.rs",
                "b/link",
                "fora",
                "fora/segredo",
                "target"
            ]
        );
        let link = entries.iter().find(|e| e.relative == Path::new("b/link"));
        assert!(link.unwrap().kind.is_symlink());
        let missing = walk(&root.join("nao-existe"), &|_| true).unwrap_err();
        assert!(missing.starts_with(&root.join("nao-existe").display().to_string()));
        fs::remove_dir_all(&root).unwrap();
    }
}
