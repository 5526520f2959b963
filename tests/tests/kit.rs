//! O kit do aluno e a correção, de ponta a ponta: o kit compila, cada
//! exercício falha no kit e passa na referência, nada da solução vaza, e o
//! `notas` dá nota cheia à referência e zero ao kit.
//!
//! É o teste mais demorado do projeto (compila o workspace mais duas vezes,
//! numa pasta `target` própria): um a dois minutos na primeira vez.

use std::fs;
use std::path::Path;
use std::process::Command;

use avaliacao::{kit, notas, workspace_root};

fn copy_reference(to: &Path) {
    let root = workspace_root();
    for relative in kit::files(&root).unwrap() {
        let target = to.join(&relative);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(root.join(&relative), target).unwrap();
    }
}

#[test]
fn kit_compila_falha_cada_exercicio_e_a_referencia_tira_nota_cheia() {
    let root = workspace_root();
    let class = root.join("target/teste-do-kit/turma");
    let _ = fs::remove_dir_all(class.join("kit"));
    let _ = fs::remove_dir_all(class.join("referencia"));
    fs::create_dir_all(&class).unwrap();

    let report = kit::make(&root, &class.join("kit")).unwrap();
    let exercises = notas::exercises(&root, None).unwrap();
    assert!(exercises.len() >= 8, "pelo menos 8 exercícios");
    let mut marked: Vec<u32> = report.regions.iter().map(|r| r.exercise).collect();
    marked.sort_unstable();
    marked.dedup();
    assert_eq!(
        marked.len(),
        exercises.len(),
        "cada exercício tem um trecho marcado no código e um arquivo de teste"
    );
    let leaks = kit::leaks(&root, &class.join("kit"), &report).unwrap();
    assert!(
        leaks.is_empty(),
        "a solução vazou para o kit:\n{}",
        leaks.join("\n")
    );
    let book = avaliacao::livro::check_book(&class.join("kit"));
    assert!(
        book.is_empty(),
        "o livro do kit tem includes quebrados:\n{}",
        book.join("\n")
    );
    assert!(!class.join("kit/.git").exists());
    assert!(!class.join("kit/target").exists());

    copy_reference(&class.join("referencia"));

    let output = Command::new(env!("CARGO_BIN_EXE_avaliacao"))
        .arg("notas")
        .arg(&class)
        .args(["--limite", "1200"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    eprintln!("{stdout}");

    let csv = fs::read_to_string(class.join("notas.csv")).unwrap();
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    let full: f64 = exercises.iter().map(|e| e.points).sum();
    let total = |student: &str| -> f64 {
        let row = rows
            .iter()
            .find(|r| r[0] == format!("\"{student}\""))
            .unwrap_or_else(|| panic!("{student} não está na tabela:\n{csv}"));
        row.last().unwrap().parse().unwrap()
    };
    assert_eq!(total("referencia"), full, "{csv}");
    assert_eq!(total("kit"), 0.0, "{csv}");
    // O kit compila: ele perde os pontos por falhar nos testes, não por erro de compilação.
    let kit_row = csv.lines().find(|l| l.starts_with("\"kit\"")).unwrap();
    assert!(!kit_row.contains("não compila"), "{kit_row}");
    for exercise in &exercises {
        assert!(
            kit_row.contains(&exercise.test),
            "{} devia falhar no kit: {kit_row}",
            exercise.test
        );
    }
}
