//! As entregas de uma turma: uma subpasta por aluno (o nome da pasta é o
//! nome do aluno).

use std::fs;
use std::path::{Path, PathBuf};

/// As entregas de `folder`: as subpastas, em ordem, sem as ocultas (como a
/// `.avaliacao`, onde a correção trabalha).
pub fn submissions(folder: &Path) -> Result<Vec<PathBuf>, String> {
    let mut found: Vec<PathBuf> = fs::read_dir(folder)
        .map_err(|e| format!("{}: {e}", folder.display()))?
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_dir()))
        .map(|entry| entry.path())
        .filter(|path| {
            !path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    found.sort();
    Ok(found)
}

/// O nome do aluno de uma entrega (o nome da pasta).
pub fn student(submission: &Path) -> String {
    submission
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
