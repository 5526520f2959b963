//! A tabela de notas: para o terminal e em CSV.

use super::{Exercise, Grade};

/// Como escrever o CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvStyle {
    /// O que uma planilha em português abre certo: `;` entre os campos,
    /// vírgula decimal e a marca UTF-8 (BOM) no começo, para os acentos.
    Brazilian,
    /// `,` entre os campos e ponto decimal, sem BOM (`--csv-internacional`).
    International,
}

/// Um número de pontos como a tabela mostra: `10`, `7.5`, `3.33`.
fn number(value: f64) -> String {
    let rounded = super::pontos::round2(value);
    format!("{rounded}")
}

/// A tabela em CSV: aluno, um campo por exercício, observações, total; a
/// primeira linha depois do cabeçalho tem os pontos máximos.
pub fn csv(exercises: &[Exercise], grades: &[Grade], style: CsvStyle) -> String {
    let (separator, bom) = match style {
        CsvStyle::Brazilian => (';', "\u{feff}"),
        CsvStyle::International => (',', ""),
    };
    let value = |v: f64| match style {
        CsvStyle::Brazilian => number(v).replace('.', ","),
        CsvStyle::International => number(v),
    };
    let quote = |text: &str| format!("\"{}\"", text.replace('"', "\"\""));
    let mut out = format!("{bom}aluno");
    for exercise in exercises {
        out.push(separator);
        out.push_str(&exercise.test);
    }
    out.push_str(&format!("{separator}observacoes{separator}total\n"));
    let rows = std::iter::once((
        "(pontos máximos)".to_string(),
        exercises.iter().map(|e| e.points).collect::<Vec<_>>(),
        String::new(),
        exercises.iter().map(|e| e.points).sum::<f64>(),
    ))
    .chain(
        grades
            .iter()
            .map(|g| (g.student.clone(), g.points(), g.summary(), g.total())),
    );
    for (student, points, summary, total) in rows {
        out.push_str(&quote(&student));
        for points in points {
            out.push(separator);
            out.push_str(&value(points));
        }
        out.push(separator);
        out.push_str(&quote(&summary));
        out.push(separator);
        out.push_str(&value(total));
        out.push('\n');
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

#[cfg(test)]
mod tests {
    use super::super::TestOutcome;
    use super::super::fixtures::{exercise, grade_for, ran};
    use super::*;

    fn sample() -> (Vec<Exercise>, Vec<Grade>) {
        let exercises = vec![
            exercise("exercicio_01", 10.0),
            exercise("exercicio_02", 7.5),
        ];
        let grade = grade_for(
            "Ana \"Aninha\"",
            vec![
                ran(
                    8.33,
                    &[
                        ("a", TestOutcome::Passed),
                        ("b", TestOutcome::Failed("x".into())),
                    ],
                ),
                ran(7.5, &[("c", TestOutcome::Passed)]),
            ],
        );
        (exercises, vec![grade])
    }

    #[test]
    fn csv_para_planilha_em_portugues() {
        let (exercises, grades) = sample();
        assert_eq!(
            csv(&exercises, &grades, CsvStyle::Brazilian),
            "\u{feff}aluno;exercicio_01;exercicio_02;observacoes;total\n\
             \"(pontos máximos)\";10;7,5;\"\";17,5\n\
             \"Ana \"\"Aninha\"\"\";8,33;7,5;\"ex01: 1/2 testes (falhou b)\";15,83\n"
        );
    }

    #[test]
    fn csv_internacional() {
        let (exercises, grades) = sample();
        assert_eq!(
            csv(&exercises, &grades, CsvStyle::International),
            "aluno,exercicio_01,exercicio_02,observacoes,total\n\
             \"(pontos máximos)\",10,7.5,\"\",17.5\n\
             \"Ana \"\"Aninha\"\"\",8.33,7.5,\"ex01: 1/2 testes (falhou b)\",15.83\n"
        );
    }
}
