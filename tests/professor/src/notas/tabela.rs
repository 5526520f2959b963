//! A tabela de notas: para o terminal e em CSV.

use std::collections::BTreeMap;

use super::entregas::{Person, shown};
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

impl CsvStyle {
    /// Um número de pontos numa célula do CSV: `7,5` ou `7.5`.
    pub fn number(self, value: f64) -> String {
        match self {
            CsvStyle::Brazilian => number(value),
            CsvStyle::International => number(value).replace(',', "."),
        }
    }
}

/// O que vai no CSV além das notas.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// O separador e a vírgula decimal.
    pub style: CsvStyle,
    /// Com `--escala 10`, uma coluna a mais com a nota de 0 a 10.
    pub scale: Option<f64>,
    /// Quem é cada chave (o nome e o número do Moodle); uma chave sem
    /// entrada aqui é o próprio nome.
    pub people: BTreeMap<String, Person>,
}

impl Sheet {
    /// Só o estilo: sem escala, cada chave é o nome.
    pub fn plain(style: CsvStyle) -> Sheet {
        Sheet {
            style,
            scale: None,
            people: BTreeMap::new(),
        }
    }

    /// O nome e a identificação (o número do Moodle, ou a chave) de `key`.
    fn who(&self, key: &str) -> (String, String) {
        match self.people.get(key) {
            Some(person) => (
                person.name.clone(),
                person.id.clone().unwrap_or_else(|| key.to_string()),
            ),
            None => (key.to_string(), key.to_string()),
        }
    }
}

/// Um número de pontos como o professor e o aluno leem: `10`, `7,5`,
/// `3,33` (a vírgula decimal). É o de tudo o que vai para uma pessoa: a
/// tabela no terminal, o progresso, a devolutiva e o comentário do Moodle.
/// O CSV usa [`CsvStyle::number`]; a nota da planilha do Moodle, o formato
/// dela (`planilha::grade_cell`).
pub fn number(value: f64) -> String {
    let rounded = super::pontos::round2(value);
    format!("{rounded}").replace('.', ",")
}

/// Uma célula de texto do CSV. Entre aspas (e as aspas de dentro dobradas);
/// e, se começa com `=`, `+`, `-`, `@`, tab ou CR, com um `'` na frente: é o
/// que a OWASP recomenda contra "CSV injection", porque uma planilha
/// executa `=HYPERLINK(...)` mesmo entre aspas. Caracteres de controle
/// viram texto (`\x1b`).
pub fn text_cell(text: &str) -> String {
    let neutral = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    format!("\"{}\"", shown(&neutral).replace('"', "\"\""))
}

/// A tabela em CSV: aluno, um campo por exercício, observações, a
/// identificação (o número do Moodle, ou a chave da entrega), a nota na
/// escala pedida (com `--escala`) e o total. Os pontos máximos vão no
/// cabeçalho (`exercicio_01 (10)`), não numa linha que pareceria um aluno.
pub fn csv(exercises: &[Exercise], grades: &[Grade], sheet: &Sheet) -> String {
    let (separator, bom) = match sheet.style {
        CsvStyle::Brazilian => (';', "\u{feff}"),
        CsvStyle::International => (',', ""),
    };
    let value = |v: f64| sheet.style.number(v);
    let full: f64 = exercises.iter().map(|e| e.points).sum();
    let mut header = vec!["aluno".to_string()];
    for exercise in exercises {
        header.push(format!("{} ({})", exercise.test, value(exercise.points)));
    }
    header.push("observacoes".into());
    header.push("id".into());
    if let Some(scale) = sheet.scale {
        header.push(format!("nota (0 a {})", value(scale)));
    }
    header.push(format!("total ({})", value(full)));
    let header: Vec<String> = header.iter().map(|h| text_cell(h)).collect();
    let mut out = format!("{bom}{}\n", header.join(&separator.to_string()));
    for grade in grades {
        let (name, id) = sheet.who(&grade.student);
        let mut cells = vec![text_cell(&name)];
        cells.extend(grade.points().into_iter().map(value));
        cells.push(text_cell(&grade.summary()));
        cells.push(text_cell(&id));
        if let Some(scale) = sheet.scale {
            cells.push(value(scaled(grade.total(), full, scale)));
        }
        cells.push(value(grade.total()));
        out.push_str(&cells.join(&separator.to_string()));
        out.push('\n');
    }
    out
}

/// `points` de `full`, numa escala de 0 a `scale`, com duas casas.
pub fn scaled(points: f64, full: f64, scale: f64) -> f64 {
    if full <= 0.0 {
        return 0.0;
    }
    super::pontos::round2(points / full * scale)
}

/// A largura do terminal que a tabela respeita.
const COLUMNS: usize = 80;

/// A tabela para o terminal: uma linha por aluno, com os pontos, e as
/// observações nas linhas de baixo, recuadas; nada passa de 80 colunas.
pub fn table(exercises: &[Exercise], grades: &[Grade]) -> String {
    let numbers = exercises.len() * 6 + 7;
    let room = COLUMNS.saturating_sub(numbers).max(8);
    let names: Vec<String> = grades
        .iter()
        .map(|g| fit(&shown(&g.student), room))
        .collect();
    let width = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut out = format!("{:<width$}", "aluno");
    for (i, _) in exercises.iter().enumerate() {
        out.push_str(&format!(" {:>5}", format!("ex{:02}", i + 1)));
    }
    out.push_str("  total\n");
    for (grade, name) in grades.iter().zip(&names) {
        out.push_str(&format!("{name:<width$}"));
        for points in grade.points() {
            out.push_str(&format!(" {:>5}", number(points)));
        }
        out.push_str(&format!("  {:>5}\n", number(grade.total())));
        let summary = shown(&grade.summary());
        for line in wrap(&summary, COLUMNS - 4) {
            out.push_str(&format!("    {line}\n"));
        }
    }
    out
}

/// `text` com no máximo `room` caracteres (cortado com `…`).
fn fit(text: &str, room: usize) -> String {
    if text.chars().count() <= room {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(room.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// Quebra `text` em linhas de até `width` caracteres, nos espaços (uma
/// palavra maior que a linha é cortada).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let word = fit(word, width);
        let needed = line.chars().count() + 1 + word.chars().count();
        if !line.is_empty() && needed > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
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
            csv(&exercises, &grades, &Sheet::plain(CsvStyle::Brazilian)),
            "\u{feff}\"aluno\";\"exercicio_01 (10)\";\"exercicio_02 (7,5)\";\"observacoes\";\"id\";\"total (17,5)\"\n\
             \"Ana \"\"Aninha\"\"\";8,33;7,5;\"ex01: 1/2 testes (falhou b)\";\"Ana \"\"Aninha\"\"\";15,83\n"
        );
    }

    #[test]
    fn csv_internacional_com_o_numero_do_moodle_e_a_escala() {
        let (exercises, grades) = sample();
        let sheet = Sheet {
            style: CsvStyle::International,
            scale: Some(10.0),
            people: [(
                "Ana \"Aninha\"".to_string(),
                Person {
                    name: "Ana".into(),
                    id: Some("10001".into()),
                },
            )]
            .into(),
        };
        assert_eq!(
            csv(&exercises, &grades, &sheet),
            "\"aluno\",\"exercicio_01 (10)\",\"exercicio_02 (7.5)\",\"observacoes\",\"id\",\"nota (0 a 10)\",\"total (17.5)\"\n\
             \"Ana\",8.33,7.5,\"ex01: 1/2 testes (falhou b)\",\"10001\",9.05,15.83\n"
        );
    }

    #[test]
    fn celula_que_seria_formula_vira_texto() {
        assert_eq!(text_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        for start in ["+1", "-1", "@SOMA(A1)", "\tx", "\rx"] {
            assert!(text_cell(start).starts_with("\"'"), "{start:?}");
        }
        assert_eq!(text_cell("Ana"), "\"Ana\"");
        assert_eq!(text_cell("a\u{1b}[31mb\nc"), "\"a\\x1b[31mb\\nc\"");
    }

    #[test]
    fn tabela_do_terminal_com_virgula_e_em_80_colunas() {
        let exercises: Vec<Exercise> = (1..=8)
            .map(|n| exercise(&format!("exercicio_{n:02}"), 11.25))
            .collect();
        let failed = |n: usize| {
            ran(
                0.0,
                &(0..n)
                    .map(|i| {
                        (
                            ["a", "b", "c", "d", "e", "f"][i],
                            TestOutcome::Failed("x".into()),
                        )
                    })
                    .collect::<Vec<_>>(),
            )
        };
        let mut list = vec![ran(
            5.67,
            &[("a", TestOutcome::Passed), ("b", TestOutcome::Flaky)],
        )];
        list.extend((0..7).map(|_| failed(6)));
        let grade = Grade {
            notes: vec!["udp-echo não compila: error[E0425]: cannot find value `resposta_do_servidor` in this scope (udp-echo/src/server.rs:58:46)".into()],
            ..grade_for("Maria Aparecida dos Santos Albuquerque Ferreira\u{1b}[2J", list)
        };
        let text = table(&exercises, &[grade]);
        assert!(text.contains("5,67"), "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
        for line in text.lines() {
            assert!(
                line.chars().count() <= 80,
                "{} colunas: {line}",
                line.chars().count()
            );
        }
        assert!(text.contains("\n    udp-echo não compila"), "{text}");
    }
}
