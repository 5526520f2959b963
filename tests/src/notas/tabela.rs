//! A tabela de notas: para o terminal e em CSV.

use super::{Exercise, Grade};

/// Um número de pontos como a tabela mostra: `10`, `7.5`, `3.33`.
fn number(value: f64) -> String {
    let rounded = super::pontos::round2(value);
    format!("{rounded}")
}

/// A tabela em CSV: aluno, um campo por exercício, observações, total.
pub fn csv(exercises: &[Exercise], grades: &[Grade]) -> String {
    let quote = |text: &str| format!("\"{}\"", text.replace('"', "\"\""));
    let mut out = String::from("aluno");
    for exercise in exercises {
        out.push(',');
        out.push_str(&exercise.test);
    }
    out.push_str(",observacoes,total\n");
    for grade in grades {
        out.push_str(&quote(&grade.student));
        for points in grade.points() {
            out.push(',');
            out.push_str(&number(points));
        }
        out.push_str(&format!(
            ",{},{}\n",
            quote(&grade.summary()),
            number(grade.total())
        ));
    }
    out
}

/// A tabela para o terminal.
pub fn table(exercises: &[Exercise], grades: &[Grade]) -> String {
    let width = grades
        .iter()
        .map(|g| g.student.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut out = format!("{:<width$}", "aluno");
    for (i, _) in exercises.iter().enumerate() {
        out.push_str(&format!(" {:>5}", format!("ex{:02}", i + 1)));
    }
    out.push_str("  total\n");
    for grade in grades {
        out.push_str(&format!("{:<width$}", grade.student));
        for points in grade.points() {
            out.push_str(&format!(" {:>5}", number(points)));
        }
        out.push_str(&format!("  {:>5}", number(grade.total())));
        let summary = grade.summary();
        if !summary.is_empty() {
            out.push_str(&format!("  ({summary})"));
        }
        out.push('\n');
    }
    out
}
