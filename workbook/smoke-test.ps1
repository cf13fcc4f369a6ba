<#
.SYNOPSIS
    budgetlint 加载项的冒烟测试：安装加载项，用 Excel 打开一个示例工作簿，运行“检查”和两个 BL_ 函数，显示结果。

.DESCRIPTION
    在装有 Excel（2010 或更高版本）的 Windows 上，于 budgetlint 的源码目录中运行：

        powershell -ExecutionPolicy Bypass -File workbook\smoke-test.ps1

    运行前请关闭所有 Excel 窗口。脚本：
      1. 运行 python -m budgetlint addin install，把加载项装入 XLSTART 文件夹；
      2. 把示例工作簿复制到临时文件夹（不改动 examples\ 中的文件）；
      3. 启动 Excel，打开加载项和工作簿副本（由脚本启动的 Excel 不会自动加载 XLSTART，所以脚本
         自己打开加载项），运行“检查”按钮的宏 RunCheck；Excel 显示提示框时点“确定”，脚本继续；
      4. 在新工作表中计算 =BL_EXEC_RATE(969188.11,987000) 和 =BL_GRADE(67.14)，显示结果。
    最后 Excel 保持打开，可以查看填色、批注、“复核结果”工作表和功能区的“绩效复核”选项卡。

    由脚本启动的 Excel 不经过“宏安全”和“来自互联网的文件”的检查；要验证平时的启动方式，
    请关闭 Excel 后像平时一样打开它，看功能区是否出现“绩效复核”选项卡。

.PARAMETER Python
    运行 budgetlint 的 Python（默认：PATH 中的 python）。Excel 也将使用这个 Python。

.PARAMETER Workbook
    要检查的工作簿（默认：examples\版式-全国万元.xlsx）。脚本检查的是它的副本。

.PARAMETER SkipInstall
    不重新安装加载项（已安装时）。

.PARAMETER Quit
    结束时关闭工作簿副本（不保存）并退出 Excel。
#>
[CmdletBinding()]
param(
    [string]$Python = "python",
    [string]$Workbook = "",
    [switch]$SkipInstall,
    [switch]$Quit
)

$ErrorActionPreference = "Stop"
Set-StrictMode -Version 3.0
$repo = Split-Path -Parent $PSScriptRoot
$addinName = "budgetlint.xlam"
$addin = Join-Path $env:APPDATA "Microsoft\Excel\XLSTART\$addinName"
$failures = 0

function Step([string]$text) {
    Write-Host ""
    Write-Host "== $text" -ForegroundColor Cyan
}

function Stop-Test([string]$text) {
    Write-Host $text -ForegroundColor Red
    exit 1
}

function Report([bool]$ok, [string]$text) {
    if ($ok) {
        Write-Host "  通过：$text" -ForegroundColor Green
    } else {
        Write-Host "  未通过：$text" -ForegroundColor Red
        $script:failures += 1
    }
}

if (Get-Process -Name "EXCEL" -ErrorAction SilentlyContinue) {
    Stop-Test "请先关闭所有 Excel 窗口（安装时加载项文件不能被 Excel 占用），再运行本脚本。"
}

Step "1/4 安装加载项"
if ($SkipInstall) {
    Write-Host "跳过安装（-SkipInstall）。"
} else {
    & $Python -m budgetlint addin install
    if ($LASTEXITCODE -ne 0) { Stop-Test "安装失败：见上面的提示。" }
}
if (-not (Test-Path -LiteralPath $addin)) { Stop-Test "没有找到 $addin" }

Step "2/4 复制示例工作簿"
if (-not $Workbook) {
    $Workbook = Join-Path $repo "examples\版式-全国万元.xlsx"
    if (-not (Test-Path -LiteralPath $Workbook)) {
        $Workbook = (Get-ChildItem -LiteralPath (Join-Path $repo "examples") -Filter "*.xlsx" | Select-Object -First 1).FullName
    }
}
if (-not (Test-Path -LiteralPath $Workbook)) { Stop-Test "找不到工作簿：$Workbook" }
$work = Join-Path $env:TEMP ("budgetlint-smoke-" + (Get-Date -Format "yyyyMMdd-HHmmss"))
New-Item -ItemType Directory -Path $work | Out-Null
$copy = Join-Path $work (Split-Path -Leaf $Workbook)
Copy-Item -LiteralPath $Workbook -Destination $copy
Write-Host "工作簿副本：$copy"

Step "3/4 启动 Excel，运行“检查”"
$excel = New-Object -ComObject Excel.Application
$excel.Visible = $true
Write-Host "Excel $($excel.Version)"
$null = $excel.Workbooks.Open($addin)
$book = $excel.Workbooks.Open($copy)
$book.Activate()
Write-Host "正在检查（Excel 显示提示框时请点“确定”）……"
$null = $excel.Run("'$addinName'!RunCheck")
$first = $book.Worksheets.Item(1)
Report ($first.Name -eq "复核结果") "第一张工作表是“复核结果”（实际为“$($first.Name)”）"
$notes = 0
foreach ($sheet in $book.Worksheets) { $notes += $sheet.Comments.Count }
Report ($notes -gt 0) "加了批注的单元格：$notes 个"
if ($first.Name -eq "复核结果") {
    $rows = [Math]::Min($first.UsedRange.Rows.Count, 8)
    for ($r = 1; $r -le $rows; $r++) {
        $texts = @()
        for ($c = 1; $c -le 5; $c++) { $texts += $first.Cells.Item($r, $c).Text }
        Write-Host ("    " + ($texts -join " | "))
    }
}

Step "4/4 BL_ 函数"
$sheet = $book.Worksheets.Add()
$sheet.Range("A1").Formula = "=BL_EXEC_RATE(969188.11,987000)"
$sheet.Range("A2").Formula = "=BL_GRADE(67.14)"
$excel.CalculateFull()
$rate = $sheet.Range("A1").Value2
$grade = $sheet.Range("A2").Text
Report (($rate -is [double]) -and [Math]::Abs($rate - 969188.11 / 987000) -lt 1e-9) "=BL_EXEC_RATE(969188.11,987000) = $rate（应为 0.98195…）"
Report ($grade -eq "合格") "=BL_GRADE(67.14) = $grade（应为 合格）"

Write-Host ""
if ($failures -eq 0) {
    Write-Host "冒烟测试通过。" -ForegroundColor Green
} else {
    Write-Host "冒烟测试有 $failures 项未通过；出错时 budgetlint 的日志在 $env:TEMP\budgetlint-addin.log" -ForegroundColor Red
}
if ($Quit) {
    $book.Close($false)
    $excel.Quit()
} else {
    Write-Host "Excel 保持打开：请查看填色、批注和功能区的“绩效复核”选项卡。副本在 $work"
    $excel.UserControl = $true
}
[void][Runtime.InteropServices.Marshal]::ReleaseComObject($excel)
if ($failures -ne 0) { exit 1 }
exit 0
