# Download aidoctor.exe for this Windows machine, check its SHA-256 against the release's
# SHA256SUMS, and run it with the arguments given:
#
#   $env:AIDOCTOR_BASE_URL = "https://.../releases/download/v0.1.0"; .\install.ps1 check wsl2-ready
#
# Nothing is installed unless AIDOCTOR_INSTALL_DIR is set. A checksum that does not match stops
# before anything runs (exit 3). Windows PowerShell 5.1 or PowerShell 7.
$ErrorActionPreference = 'Stop'

$base = $env:AIDOCTOR_BASE_URL
if (-not $base) {
    [Console]::Error.WriteLine('install.ps1: set AIDOCTOR_BASE_URL to the release''s download URL (where SHA256SUMS is)')
    exit 2
}
$base = $base.TrimEnd('/')

switch ($env:PROCESSOR_ARCHITECTURE) {
    'AMD64' { $target = 'x86_64-pc-windows-gnu' }
    default {
        [Console]::Error.WriteLine("install.ps1: no aidoctor build for Windows on $($env:PROCESSOR_ARCHITECTURE)")
        exit 2
    }
}
$artifact = "aidoctor-$target.exe"

$tmp = Join-Path ([IO.Path]::GetTempPath()) ("aidoctor-" + [Guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory -Path $tmp | Out-Null
try {
    $sums = Join-Path $tmp 'SHA256SUMS'
    $exe = Join-Path $tmp $artifact
    Invoke-WebRequest -UseBasicParsing -Uri "$base/SHA256SUMS" -OutFile $sums
    Invoke-WebRequest -UseBasicParsing -Uri "$base/$artifact" -OutFile $exe
    $want = $null
    foreach ($line in Get-Content -LiteralPath $sums) {
        $parts = $line -split '\s+', 2
        if ($parts.Count -eq 2 -and ($parts[1] -eq $artifact -or $parts[1] -eq "*$artifact")) {
            $want = $parts[0].ToLowerInvariant()
            break
        }
    }
    if (-not $want) {
        [Console]::Error.WriteLine("install.ps1: $artifact is not listed in $base/SHA256SUMS")
        exit 3
    }
    $got = (Get-FileHash -Algorithm SHA256 -LiteralPath $exe).Hash.ToLowerInvariant()
    if ($got -ne $want) {
        [Console]::Error.WriteLine("install.ps1: checksum mismatch for $artifact (expected $want, got $got): not running it")
        exit 3
    }
    if ($env:AIDOCTOR_INSTALL_DIR) {
        New-Item -ItemType Directory -Force -Path $env:AIDOCTOR_INSTALL_DIR | Out-Null
        Copy-Item -LiteralPath $exe -Destination (Join-Path $env:AIDOCTOR_INSTALL_DIR 'aidoctor.exe') -Force
        [Console]::Error.WriteLine("install.ps1: installed $(Join-Path $env:AIDOCTOR_INSTALL_DIR 'aidoctor.exe') (sha256 $got)")
    }
    $argv = if ($args.Count -gt 0) { $args } else { @('check') }
    & $exe @argv
    exit $LASTEXITCODE
}
finally {
    Remove-Item -Recurse -Force -LiteralPath $tmp -ErrorAction SilentlyContinue
}
