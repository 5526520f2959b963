//! O resultado de um `bench` para outro programa ler: `--formato chave-valor`
//! (uma linha `RESULTADO protocolo=udp enviados=...`) ou `--formato json` (um
//! objeto JSON numa linha). Para gente, o `bench` mostra uma tabela; para um
//! script (o `cargo bench` do projeto, os testes do exercício 7), uma linha
//! que não muda de forma e que nenhuma tabela atrapalha.

use std::fmt::Write as _;

use crate::out;

/// Como mostrar o resultado.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Uma tabela para ler (o padrão).
    Texto,
    /// Uma linha `RESULTADO chave=valor ...`.
    ChaveValor,
    /// Um objeto JSON numa linha.
    Json,
}

/// Um valor do resultado.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Um contador.
    Count(u64),
    /// Uma medida com casas decimais (ponto decimal, como em toda máquina).
    Number(f64, usize),
    /// Um nome (`udp`, `ping`).
    Text(&'static str),
    /// Sim ou não.
    Flag(bool),
}

/// Os campos do resultado, na ordem em que aparecem.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Fields(Vec<(&'static str, Value)>);

impl Fields {
    /// Acrescenta um campo.
    pub fn with(mut self, key: &'static str, value: Value) -> Fields {
        self.0.push((key, value));
        self
    }

    /// `RESULTADO chave=valor ...` (veja [`Format::ChaveValor`]).
    pub fn key_value(&self) -> String {
        let mut line = String::from("RESULTADO");
        for (key, value) in &self.0 {
            let _ = write!(line, " {key}={}", plain(value));
        }
        line
    }

    /// `{"chave":valor,...}` (veja [`Format::Json`]). As chaves e os nomes são
    /// palavras ASCII nossas: não há o que escapar.
    pub fn json(&self) -> String {
        let fields: Vec<String> = self
            .0
            .iter()
            .map(|(key, value)| match value {
                Value::Text(text) => format!("\"{key}\":\"{text}\""),
                other => format!("\"{key}\":{}", plain(other)),
            })
            .collect();
        format!("{{{}}}", fields.join(","))
    }

    /// Escreve o resultado na saída padrão, no formato pedido (com
    /// [`Format::Texto`], não escreve nada: a tabela é de quem chama).
    pub fn print(&self, format: Format) {
        match format {
            Format::Texto => {}
            Format::ChaveValor => out!("{}", self.key_value()),
            Format::Json => out!("{}", self.json()),
        }
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::Count(n) => n.to_string(),
        // NaN e infinito não existem em JSON; uma medida nunca os dá, mas
        // se der, sai 0 e não um JSON quebrado.
        Value::Number(x, decimals) if x.is_finite() => format!("{x:.decimals$}"),
        Value::Number(..) => "0".to_string(),
        Value::Text(text) => (*text).to_string(),
        Value::Flag(flag) => flag.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_dois_formatos_de_maquina() {
        let fields = Fields::default()
            .with("protocolo", Value::Text("udp"))
            .with("enviados", Value::Count(53_642))
            .with("segundos", Value::Number(3.0004, 3))
            .with("interrompido", Value::Flag(false))
            .with("nan", Value::Number(f64::NAN, 1));
        assert_eq!(
            fields.key_value(),
            "RESULTADO protocolo=udp enviados=53642 segundos=3.000 interrompido=false nan=0"
        );
        assert_eq!(
            fields.json(),
            r#"{"protocolo":"udp","enviados":53642,"segundos":3.000,"interrompido":false,"nan":0}"#
        );
    }
}
