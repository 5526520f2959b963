//! O kit do aluno: cada exercício marcado tem um arquivo de teste, nada da
//! solução vaza, e o livro do kit não tem include quebrado.

// Usa o programa do professor (kit, correção, livro): só com ele.
#![cfg(feature = "professor")]

use std::fs;

use avaliacao::{kit, notas, workspace_root};

#[test]
fn kit_tem_um_trecho_por_exercicio_e_nada_da_solucao() {
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

    // Que o kit compila e zera, e a referência tira nota cheia, o teste da
    // correção (`correcao.rs`) confere junto com a turma hostil.
}
