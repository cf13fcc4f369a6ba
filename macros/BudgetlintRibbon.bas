Attribute VB_Name = "BudgetlintRibbon"
' The ribbon callbacks of the review tab (customUI14.xml), and one macro per button
' that a script can start with Application.Run "'budgetlint.xlam'!RunCheck" (see
' workbook/smoke-test.ps1). Each runs one entry point of the Python module
' budgetlint.addin on the active workbook through xlwings' RunPython; Python reads
' the workbook, writes its results and shows its own messages.
'
' `budgetlint addin build` stores this module with its Chinese string literals as
' ChrW() calls: the project keeps code in code page 1252.
Option Explicit

Sub OnCheck(control As IRibbonControl)
    RunCheck
End Sub

Sub OnRecompute(control As IRibbonControl)
    RunRecompute
End Sub

Sub OnClear(control As IRibbonControl)
    RunClear
End Sub

Sub OnExport(control As IRibbonControl)
    RunExport
End Sub

Sub OnHelp(control As IRibbonControl)
    RunHelp
End Sub

Public Sub RunCheck()
    If NoWorkbook() Then Exit Sub
    RunPython "import budgetlint.addin; budgetlint.addin.check()"
End Sub

Public Sub RunRecompute()
    If NoWorkbook() Then Exit Sub
    RunPython "import budgetlint.addin; budgetlint.addin.recompute()"
End Sub

Public Sub RunClear()
    If NoWorkbook() Then Exit Sub
    RunPython "import budgetlint.addin; budgetlint.addin.clear()"
End Sub

Public Sub RunExport()
    If NoWorkbook() Then Exit Sub
    RunPython "import budgetlint.addin; budgetlint.addin.export_report()"
End Sub

Public Sub RunHelp()
    If NoWorkbook() Then Exit Sub
    RunPython "import budgetlint.addin; budgetlint.addin.about()"
End Sub

Private Function NoWorkbook() As Boolean
    ' RunPython hands Python the active workbook: there has to be one (a workbook in
    ' Protected View is not active until editing is enabled).
    If ActiveWorkbook Is Nothing Then
        MsgBox "请先打开一个工作簿再使用“绩效复核”。" & vbCrLf & vbCrLf & _
            "如果工作簿显示“受保护的视图”，请先点“启用编辑”。", vbInformation, "budgetlint 绩效复核"
        NoWorkbook = True
    End If
End Function
