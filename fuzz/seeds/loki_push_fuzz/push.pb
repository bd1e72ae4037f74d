
x
+{job="varlogs", host="h1", service_name=""}
şáÏª
first line1
ÿáÏªsecond
trace.idabc
1levelinfo
'
{app="web", app="dup"}
€ øúold