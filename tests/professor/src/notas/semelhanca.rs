//! Dicas de semelhança: trechos de exercício idênticos em duas ou mais
//! entregas, depois de tirar comentários e espaços. É só uma dica para o
//! professor olhar: nunca muda uma nota (a mesma solução curta pode nascer
//! de duas cabeças, e a do livro é a mesma para todos).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::selecao;

/// Trechos mais curtos que isso (depois de normalizados) são iguais em
/// muitas entregas honestas: não são dica de nada.
const MIN_CHARS: usize = 80;

/// O texto de um trecho sem comentários `//` e sem diferenças de espaço.
pub fn normalize(lines: &[String]) -> String {
    let mut out = String::new();
    for line in lines {
        let code = match line.find("//") {
            Some(at) => &line[..at],
            None => line.as_str(),
        };
        for word in code.split_whitespace() {
            out.push_str(word);
            out.push(' ');
        }
    }
    out.trim_end().to_string()
}

/// Os trechos de exercício de uma entrega: número do exercício → texto
/// normalizado (só dos arquivos que o aluno edita).
pub fn regions(submission: &Path) -> BTreeMap<u32, String> {
    let mut found: BTreeMap<u32, String> = BTreeMap::new();
    let Ok(selection) = selecao::select(submission, submission) else {
        return found;
    };
    for relative in selection.taken {
        let Ok(text) = fs::read_to_string(submission.join(&relative)) else {
            continue;
        };
        if let Ok((_, regions)) = crate::kit::strip_rust(&text, &relative) {
            for region in regions {
                let normalized = normalize(&region.body);
                found
                    .entry(region.exercise)
                    .or_default()
                    .push_str(&normalized);
            }
        }
    }
    found
}

/// Os grupos de alunos com o mesmo trecho de um exercício, com uma linha
/// para cada: `exercício 3: ana, bruno`. `base` (o kit) é ignorado: ficar
/// com o esboço não é semelhança.
pub fn hints(submissions: &[(String, PathBuf)], base: &Path) -> Vec<String> {
    let stubs = regions(base);
    let mut groups: BTreeMap<(u32, String), Vec<String>> = BTreeMap::new();
    for (student, path) in submissions {
        for (exercise, text) in regions(path) {
            if text.chars().count() < MIN_CHARS || stubs.get(&exercise) == Some(&text) {
                continue;
            }
            groups
                .entry((exercise, text))
                .or_default()
                .push(student.clone());
        }
    }
    groups
        .into_iter()
        .filter(|(_, students)| students.len() > 1)
        .map(|((exercise, _), students)| format!("exercício {exercise}: {}", students.join(", ")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    #[test]
    fn comentarios_e_espacos_nao_contam() {
        let a = lines("    let x = 1; // um\n    x + 1\n");
        let b = lines("let   x = 1;\n\n  x +  1 // outro comentário\n");
        assert_eq!(normalize(&a), normalize(&b));
        assert_ne!(normalize(&a), normalize(&lines("let y = 1;\ny + 1")));
    }

    #[test]
    fn dica_so_para_trechos_iguais_e_longos() {
        let root = std::env::temp_dir().join(format!("semelhanca-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let solution = "pub fn f() -> u32 {\n    // EXERCÍCIO 1: INÍCIO\n    let soma_de_todos_os_valores_da_lista = [1, 2, 3, 4, 5].iter().sum::<u32>();\n    soma_de_todos_os_valores_da_lista + 1\n    // EXERCÍCIO 1: FIM\n}\n";
        let copied = solution.replace("+ 1\n", "+ 1 // copiei\n");
        let other = solution.replace("+ 1\n", "+ 2\n");
        let stub = "pub fn f() -> u32 {\n    // EXERCÍCIO 1: INÍCIO\n    todo!()\n    // EXERCÍCIO 1: FIM\n}\n";
        let mut submissions = Vec::new();
        for (name, text) in [
            ("ana", solution),
            ("bruno", copied.as_str()),
            ("carla", other.as_str()),
            ("kit", stub),
        ] {
            fs::create_dir_all(root.join(name).join("common/src")).unwrap();
            fs::write(root.join(name).join("common/src/lib.rs"), text).unwrap();
            if name != "kit" {
                submissions.push((name.to_string(), root.join(name)));
            }
        }
        assert_eq!(
            hints(&submissions, &root.join("kit")),
            ["exercício 1: ana, bruno"]
        );
        let _ = fs::remove_dir_all(&root);
    }
}
