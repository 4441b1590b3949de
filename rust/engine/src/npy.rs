//! .npy version 1.0 output of a little-endian float32 array, as `smol logits` writes it.
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::Path;

pub fn npy_bytes(data: &[f32], shape: &[usize]) -> Result<Vec<u8>> {
    let count: usize = shape.iter().product();
    let dims = shape.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", ");
    let dims = if shape.len() == 1 { format!("{},", dims) } else { dims };
    if count != data.len() {
        bail!("{} values do not fill shape ({})", data.len(), dims);
    }
    let mut header = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': ({}), }}", dims);
    // Magic (6) + version (2) + length (2) + header + '\n', padded with spaces to a multiple of 64.
    let total = 10 + header.len() + 1;
    header.extend(std::iter::repeat(' ').take((64 - total % 64) % 64));
    header.push('\n');
    let mut out = Vec::with_capacity(10 + header.len() + 4 * data.len());
    out.extend_from_slice(b"\x93NUMPY\x01\x00");
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    for v in data {
        out.extend_from_slice(&v.to_le_bytes());
    }
    Ok(out)
}

/// Writes through a temporary file renamed into place, so a failed run leaves no partial output.
pub fn write_npy_f32(path: &Path, data: &[f32], shape: &[usize]) -> Result<()> {
    let bytes = npy_bytes(data, shape).with_context(|| path.display().to_string())?;
    let tmp = path.with_file_name(format!(
        ".{}.tmp{}",
        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        std::process::id()
    ));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        anyhow::anyhow!("{}: cannot write: {}", path.display(), e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_padded_to_64_and_names_the_shape() {
        let b = npy_bytes(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]).unwrap();
        let len = u16::from_le_bytes([b[8], b[9]]) as usize;
        assert_eq!((10 + len) % 64, 0);
        let header = std::str::from_utf8(&b[10..10 + len]).unwrap();
        assert!(header.contains("'shape': (2, 3)"), "{}", header);
        assert!(header.ends_with('\n'));
        assert_eq!(&b[10 + len..10 + len + 4], &1.0f32.to_le_bytes());
        assert_eq!(b.len(), 10 + len + 24);
        assert!(npy_bytes(&[1.0], &[2, 3]).is_err());
        let one = npy_bytes(&[1.0], &[1]).unwrap();
        assert!(std::str::from_utf8(&one[10..74]).unwrap().contains("'shape': (1,)"));
    }
}
