//! Quanto vale cada exercício e cada teste.
//!
//! `tests/pontos.txt` (ou `--pontos ARQUIVO`) tem uma linha por exercício,
//! `exercicio_01 10`, e pode dar pesos a testes: `exercicio_01::nome 2`. Os
//! pontos de um exercício se dividem entre os testes dele na proporção dos
//! pesos (peso 1 para quem não aparece): 5 de 6 testes passando dão 5/6
//! dos pontos, não zero.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// Os pontos de um exercício sem linha no arquivo.
pub const DEFAULT_POINTS: f64 = 10.0;

/// Um exercício: o nome do arquivo de teste (`exercicio_01`), quanto vale e
/// os pesos dos testes que têm peso diferente de 1.
#[derive(Debug, Clone, PartialEq)]
pub struct Exercise {
    /// O nome do arquivo de teste, sem `.rs`.
    pub test: String,
    /// Os pontos.
    pub points: f64,
    /// Peso de cada teste com peso próprio.
    pub weights: BTreeMap<String, f64>,
}

impl Exercise {
    /// Os pontos que valem os testes `passed`, de todos os `expected`.
    pub fn score(&self, expected: &[String], passed: &[&str]) -> f64 {
        let weight = |name: &str| self.weights.get(name).copied().unwrap_or(1.0);
        let total: f64 = expected.iter().map(|n| weight(n)).sum();
        if total <= 0.0 {
            return 0.0;
        }
        let got: f64 = expected
            .iter()
            .filter(|n| passed.contains(&n.as_str()))
            .map(|n| weight(n))
            .sum();
        round2(self.points * got / total)
    }
}

/// Arredonda a duas casas (0,1 + 0,2 não vira 0,30000000000000004 na tabela).
/// (`+ 0.0` troca o -0 de uma soma vazia por 0.)
pub fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0 + 0.0
}

/// Os exercícios do workspace de referência (`tests/tests/exercicio_*.rs`),
/// com os pontos de `points_file` ou de `tests/pontos.txt`.
pub fn exercises(reference: &Path, points_file: Option<&Path>) -> Result<Vec<Exercise>, String> {
    let dir = reference.join("tests/tests");
    let mut tests: Vec<String> = fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let test = name.strip_suffix(".rs")?;
            test.starts_with("exercicio_").then(|| test.to_string())
        })
        .collect();
    tests.sort();
    let file = points_file
        .map(Path::to_path_buf)
        .unwrap_or_else(|| reference.join("tests/pontos.txt"));
    let text = match fs::read_to_string(&file) {
        Ok(text) => text,
        Err(_) if points_file.is_none() => String::new(),
        Err(err) => return Err(format!("não foi possível ler {}: {err}", file.display())),
    };
    let (points, weights) = parse(&text, &file.display().to_string())?;
    for name in points.keys().chain(weights.keys().map(|(e, _)| e)) {
        if !tests.contains(name) {
            return Err(format!(
                "{}: {name} não existe (há {})",
                file.display(),
                tests.join(", ")
            ));
        }
    }
    Ok(tests
        .into_iter()
        .map(|test| Exercise {
            points: points.get(&test).copied().unwrap_or(DEFAULT_POINTS),
            weights: weights
                .iter()
                .filter(|((e, _), _)| *e == test)
                .map(|((_, t), w)| (t.clone(), *w))
                .collect(),
            test,
        })
        .collect())
}

type Points = BTreeMap<String, f64>;
type Weights = BTreeMap<(String, String), f64>;

/// Lê o arquivo de pontos: `exercicio_01 10`, `exercicio_01::teste 2`, `#` comenta.
fn parse(text: &str, file: &str) -> Result<(Points, Weights), String> {
    let mut points = Points::new();
    let mut weights = Weights::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let place = format!("{file}:{}", number + 1);
        let mut words = line.split_whitespace();
        let (Some(name), Some(value), None) = (words.next(), words.next(), words.next()) else {
            return Err(format!(
                "{place}: esperava `exercicio_NN pontos` ou `exercicio_NN::teste peso`"
            ));
        };
        let value: f64 = value
            .replace(',', ".")
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| format!("{place}: número inválido: {value}"))?;
        match name.split_once("::") {
            Some((exercise, test)) => {
                weights.insert((exercise.to_string(), test.to_string()), value);
            }
            None => {
                points.insert(name.to_string(), value);
            }
        }
    }
    Ok((points, weights))
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::exercise;
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn pontos_divididos_entre_os_testes() {
        let exercise = exercise("exercicio_01", 12.0);
        let expected = names(&["a", "b", "c", "d", "e", "f"]);
        assert_eq!(exercise.score(&expected, &["a", "b", "c", "d", "e"]), 10.0);
        assert_eq!(exercise.score(&expected, &[]), 0.0);
        // Um nome que não é esperado não vale nada (nem conta duas vezes).
        assert_eq!(exercise.score(&expected, &["a", "a", "zzz"]), 2.0);
        assert_eq!(exercise.score(&[], &[]), 0.0);
    }

    #[test]
    fn pesos_do_arquivo() {
        let (points, weights) = parse(
            "# comentário\nexercicio_01 7,5\nexercicio_01::b 3  # o principal\n",
            "p",
        )
        .unwrap();
        assert_eq!(points["exercicio_01"], 7.5);
        assert_eq!(weights[&("exercicio_01".into(), "b".into())], 3.0);
        let exercise = Exercise {
            weights: [("b".to_string(), 3.0)].into(),
            ..exercise("exercicio_01", 8.0)
        };
        assert_eq!(exercise.score(&names(&["a", "b"]), &["b"]), 6.0);
        assert_eq!(exercise.score(&names(&["a", "b"]), &["a"]), 2.0);
    }

    #[test]
    fn arquivo_errado_diz_a_linha() {
        assert!(
            parse("exercicio_01\n", "p")
                .unwrap_err()
                .starts_with("p:1:")
        );
        assert!(
            parse("\nexercicio_01 dez\n", "p")
                .unwrap_err()
                .starts_with("p:2:")
        );
        assert!(parse("exercicio_01 -3\n", "p").is_err());
        assert!(parse("exercicio_01 NaN\n", "p").is_err());
    }
}
