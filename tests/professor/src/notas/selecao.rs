//! O que vem da entrega: só o código que o aluno deve editar.
//!
//! Da entrega só se aproveitam os arquivos `.rs` dentro de `common/src`,
//! `udp-echo/src` e `tcp-echo/src`. Todo o resto — os `Cargo.toml`, o
//! `Cargo.lock`, um `build.rs`, uma pasta `.cargo/` (que pode trocar o
//! programa que roda os testes), um `rust-toolchain.toml`, os testes em
//! `tests/` — vem da referência. O que foi ignorado vai para o relatório do
//! aluno, para ele saber que aquilo não contou.
//!
//! `unsafe` no código do aluno não é procurado aqui, no texto: o
//! `Cargo.toml` do kit proíbe (`unsafe_code = "forbid"`), e o compilador
//! recusa. O único `unsafe` aceito, o do kit, mora em `common/sistema`, que
//! não é pasta do aluno.

use std::fs;
use std::path::{Path, PathBuf};

/// As pastas de onde o aluno pode mandar código.
pub const STUDENT_FOLDERS: [&str; 3] = ["common/src", "udp-echo/src", "tcp-echo/src"];

/// O maior arquivo de código aceito. Um `.rs` maior que isso não é um
/// exercício: é um engano (ou uma tentativa de travar a correção).
pub const MAX_FILE: u64 = 1 << 20;

/// Pastas que nem entram na lista de ignorados: são de compilação e de git.
const NOISE: [&str; 2] = [".git", "target"];

/// O que foi escolhido de uma entrega.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Selection {
    /// Os arquivos do aluno a usar (relativos à entrega).
    pub taken: Vec<PathBuf>,
    /// O que a entrega tinha de diferente do kit e não foi usado, com o
    /// porquê (`Cargo.toml (só o do professor vale)`).
    pub ignored: Vec<String>,
}

/// Este caminho (relativo à raiz da entrega) é um arquivo que o aluno edita?
pub fn is_student_file(relative: &Path) -> bool {
    let text = relative.to_string_lossy().replace('\\', "/");
    text.ends_with(".rs")
        && STUDENT_FOLDERS
            .iter()
            .any(|folder| text.starts_with(&format!("{folder}/")))
        && relative
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// Escolhe, de `submission`, os arquivos do aluno; `base` é o kit (o que o
/// aluno recebeu), para só listar como ignorado o que ele mudou.
pub fn select(submission: &Path, base: &Path) -> Result<Selection, String> {
    let mut selection = Selection::default();
    // Sem seguir links (o passeio nunca segue): um link para /etc/shadow ou
    // para a solução do professor não pode virar "código do aluno".
    let noise = |dir: &Path| NOISE.iter().any(|n| dir == Path::new(n));
    for entry in crate::pastas::walk(submission, &|dir| !noise(dir))? {
        let path = entry.relative;
        let kind = entry.kind;
        let shown = path.to_string_lossy().replace('\\', "/");
        if kind.is_symlink() {
            selection.ignored.push(format!("{shown} (link simbólico)"));
        } else if kind.is_dir() {
            continue;
        } else if !kind.is_file() {
            selection
                .ignored
                .push(format!("{shown} (não é um arquivo comum)"));
        } else if is_student_file(&path) {
            let size = fs::symlink_metadata(submission.join(&path)).map_or(u64::MAX, |m| m.len());
            if size > MAX_FILE {
                selection
                    .ignored
                    .push(format!("{shown} (maior que {} KiB)", MAX_FILE >> 10));
            } else {
                selection.taken.push(path);
            }
        } else if !same_content(&submission.join(&path), &base.join(&path)) {
            let why = if base.join(&path).is_file() {
                "alterado; só o do kit vale"
            } else {
                "não faz parte do kit"
            };
            selection.ignored.push(format!("{shown} ({why})"));
        }
    }
    selection.taken.sort();
    selection.ignored.sort();
    Ok(selection)
}

/// Os dois arquivos existem e têm o mesmo conteúdo?
fn same_content(a: &Path, b: &Path) -> bool {
    let (Ok(ma), Ok(mb)) = (fs::metadata(a), fs::metadata(b)) else {
        return false;
    };
    if ma.len() != mb.len() || ma.len() > 16 << 20 {
        return false;
    }
    matches!((fs::read(a), fs::read(b)), (Ok(x), Ok(y)) if x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn so_o_codigo_dos_tres_crates_e_do_aluno() {
        for yes in [
            "common/src/lib.rs",
            "udp-echo/src/server.rs",
            "tcp-echo/src/bin/extra.rs",
        ] {
            assert!(is_student_file(Path::new(yes)), "{yes}");
        }
        for no in [
            "Cargo.toml",
            "Cargo.lock",
            "common/Cargo.toml",
            "common/build.rs",
            "udp-echo/build.rs",
            ".cargo/config.toml",
            "rust-toolchain.toml",
            "tests/tests/exercicio_01.rs",
            "tests/src/lib.rs",
            "udp-echo/src/notas.txt",
            "udp-echo/src/../../tests/src/lib.rs",
            "outra/common/src/lib.rs",
        ] {
            assert!(!is_student_file(Path::new(no)), "{no}");
        }
    }

    #[test]
    fn entrega_com_truques_so_da_o_codigo() {
        let root = std::env::temp_dir().join(format!("selecao-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let (submission, base) = (root.join("entrega"), root.join("kit"));
        for dir in [&submission, &base] {
            fs::create_dir_all(dir.join("udp-echo/src")).unwrap();
            fs::write(dir.join("Cargo.toml"), "[workspace]\n").unwrap();
            fs::write(dir.join("README.md"), "leia\n").unwrap();
        }
        fs::write(submission.join("udp-echo/src/server.rs"), "fn main() {}").unwrap();
        fs::write(submission.join("Cargo.toml"), "[workspace]\n# mudado\n").unwrap();
        fs::create_dir_all(submission.join(".cargo")).unwrap();
        fs::write(submission.join(".cargo/config.toml"), "runner = \"true\"").unwrap();
        fs::write(submission.join("udp-echo/build.rs"), "fn main() {}").unwrap();
        fs::write(
            submission.join("udp-echo/src/grande.rs"),
            vec![b' '; 2 << 20],
        )
        .unwrap();
        fs::create_dir_all(submission.join("target/debug")).unwrap();
        fs::write(submission.join("target/debug/lixo"), "x").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("/etc/passwd", submission.join("udp-echo/src/link.rs")).unwrap();

        let selection = select(&submission, &base).unwrap();
        assert_eq!(selection.taken, [PathBuf::from("udp-echo/src/server.rs")]);
        let ignored = selection.ignored.join("\n");
        assert!(
            ignored.contains(".cargo/config.toml (não faz parte do kit)"),
            "{ignored}"
        );
        assert!(
            ignored.contains("Cargo.toml (alterado; só o do kit vale)"),
            "{ignored}"
        );
        assert!(ignored.contains("udp-echo/build.rs"), "{ignored}");
        assert!(
            ignored.contains("udp-echo/src/grande.rs (maior que"),
            "{ignored}"
        );
        #[cfg(unix)]
        assert!(
            ignored.contains("udp-echo/src/link.rs (link simbólico)"),
            "{ignored}"
        );
        assert!(!ignored.contains("README.md"), "igual ao kit: não é ruído");
        assert!(!ignored.contains("target"), "{ignored}");
        let _ = fs::remove_dir_all(&root);
    }
}
