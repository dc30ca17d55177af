<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="ja_JP">
<context>
    <name>Dashboard</name>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="59" />
        <source>HEMS Desktop</source>
        <translation>HEMS Desktop</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="85" />
        <source>No reading yet</source>
        <translation>まだ計測値がありません</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="86" />
        <source>Stopped</source>
        <translation>停止中</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="99" />
        <source>1 h</source>
        <translation>1時間</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="99" />
        <source>24 h</source>
        <translation>24時間</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="99" />
        <source>7 days</source>
        <translation>7日</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="100" />
        <source>30 days</source>
        <translation>30日</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="100" />
        <source>1 year</source>
        <translation>1年</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="116" />
        <source>Power</source>
        <translation>電力</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="127" />
        <source>Current</source>
        <translation>電流</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="131" />
        <source>R phase</source>
        <translation>R相</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="132" />
        <source>T phase</source>
        <translation>T相</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="139" />
        <source>Usage</source>
        <translation>使用量</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="144" />
        <source>Today so far</source>
        <translation>今日（現在まで）</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="145" />
        <source>This month</source>
        <translation>今月</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="146" />
        <source>Estimated cost this month</source>
        <translation>今月の電気代（概算）</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="149" />
        <source>Half-hourly usage</source>
        <translation>30分ごとの使用量</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="160" />
        <source>hour</source>
        <translation>時</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="168" />
        <source>Connection</source>
        <translation>接続</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="172" />
        <source>Serial port</source>
        <translation>シリアルポート</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="172" />
        <source>Dongle</source>
        <translation>ドングル</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="172" />
        <source>Dialect</source>
        <translation>方式</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="173" />
        <source>Channel</source>
        <translation>チャンネル</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="173" />
        <source>PAN ID</source>
        <translation>PAN ID</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="173" />
        <source>Meter address</source>
        <translation>メーターのアドレス</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="174" />
        <source>Link quality</source>
        <translation>電波品質</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="174" />
        <source>Session age</source>
        <translation>接続時間</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="174" />
        <source>Last error</source>
        <translation>直近のエラー</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="196" />
        <source>R %1 A</source>
        <translation>R相 %1 A</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="198" />
        <source>T %1 A</source>
        <translation>T相 %1 A</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="200" />
        <source>Updated %1</source>
        <translation>%1 更新</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/dashboard.py" line="214" />
        <source>firmware %1</source>
        <translation>ファームウェア %1</translation>
    </message>
</context>
<context>
    <name>HemsApp</name>
    <message>
        <location filename="../../hems_desktop/gui/controller.py" line="183" />
        <source>Breaker warning</source>
        <translation>ブレーカー注意</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/controller.py" line="184" />
        <source>%1 A of your %2 A contract: switch something off before the breaker trips.</source>
        <translation>契約 %2 A のうち %1 A を使用中です。ブレーカーが落ちる前に電気製品を止めてください。</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/controller.py" line="191" />
        <source>Connection restored</source>
        <translation>接続が回復しました</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/controller.py" line="191" />
        <source>Readings from the meter continue.</source>
        <translation>スマートメーターからの計測を再開しました。</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/controller.py" line="194" />
        <source>Connection lost</source>
        <translation>接続が切れました</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/controller.py" line="201" />
        <source>Credentials rejected</source>
        <translation>認証情報が拒否されました</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/controller.py" line="202" />
        <source>The meter rejected the B-route ID or password. Enter them again in Settings.</source>
        <translation>スマートメーターがBルートIDまたはパスワードを拒否しました。設定で入力し直してください。</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/controller.py" line="206" />
        <source>HEMS Desktop stopped</source>
        <translation>HEMS Desktop が停止しました</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/controller.py" line="227" />
        <source>About HEMS Desktop</source>
        <translation>HEMS Desktop について</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/controller.py" line="228" />
        <source>HEMS Desktop %1
Your smart meter over the Wi-SUN B-route.
MIT License.</source>
        <translation>HEMS Desktop %1
Wi-SUN Bルートでスマートメーターを計測します。
MITライセンス。</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/controller.py" line="248" />
        <source>Settings not saved</source>
        <translation>設定を保存できませんでした</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/controller.py" line="257" />
        <source>No system keyring</source>
        <translation>キーリングがありません</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/controller.py" line="258" />
        <source>%1

Keep the password for this run only? It is not written anywhere.</source>
        <translation>%1

パスワードを今回の実行中だけ保持しますか？どこにも書き込まれません。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="87" />
        <source>HEMS Desktop settings</source>
        <translation>HEMS Desktop の設定</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="120" />
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="124" />
        <source>Serial port</source>
        <translation>シリアルポート</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="130" />
        <source>Baud rate</source>
        <translation>ボーレート</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="134" />
        <source>Dongle type</source>
        <translation>ドングルの種類</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="137" />
        <source>32 letters and digits from your power company</source>
        <translation>電力会社から届いた32文字の英数字</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="138" />
        <source>B-route ID</source>
        <translation>BルートID</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="142" />
        <source>B-route password</source>
        <translation>Bルートパスワード</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="144" />
        <source>The ID and password are kept in the system keyring, never in a file.</source>
        <translation>IDとパスワードはシステムのキーリングに保存され、ファイルには書き込まれません。</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="151" />
        <source>automatic (e.g. 3B)</source>
        <translation>自動（例: 3B）</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="152" />
        <source>Meter channel</source>
        <translation>メーターのチャンネル</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="154" />
        <source>automatic (e.g. 8CF5)</source>
        <translation>自動（例: 8CF5）</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="155" />
        <source>Meter PAN ID</source>
        <translation>メーターのPAN ID</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="157" />
        <source>automatic</source>
        <translation>自動</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="158" />
        <source>Meter address</source>
        <translation>メーターのアドレス</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="160" />
        <source>Forget cached network</source>
        <translation>記憶したネットワークを消去</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="162" />
        <source>Test connection</source>
        <translation>接続テスト</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="170" />
        <source>Demo mode (built-in virtual meter, no hardware)</source>
        <translation>デモモード（内蔵の仮想メーター、機器不要）</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="173" />
        <source>Connection</source>
        <translation>接続</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="179" />
        <source>Write readings to a file</source>
        <translation>計測値をファイルに書き出す</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="184" />
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="188" />
        <source>File</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="192" />
        <source>Format</source>
        <translation>形式</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="193" />
        <source>Publish to Google Cloud Pub/Sub</source>
        <translation>Google Cloud Pub/Sub に送信する</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="197" />
        <source>Project</source>
        <translation>プロジェクト</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="199" />
        <source>Topic</source>
        <translation>トピック</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="200" />
        <source>Outputs</source>
        <translation>出力</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="206" />
        <source>On a schedule (cron)</source>
        <translation>スケジュール（cron）</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="207" />
        <source>At a fixed interval</source>
        <translation>一定間隔</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="209" />
        <source>Mode</source>
        <translation>モード</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="211" />
        <source>Schedule (cron)</source>
        <translation>スケジュール（cron形式）</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="216" />
        <source>Interval</source>
        <translation>間隔</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="218" />
        <source>Next readings</source>
        <translation>次回の計測</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="223" />
        <source>Schedule</source>
        <translation>スケジュール</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="232" />
        <source>Contract amperage</source>
        <translation>契約アンペア</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="237" />
        <source>Warn at (0 = off)</source>
        <translation>警告する値（0 = 無効）</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="241" />
        <source> yen/kWh</source>
        <translation> 円/kWh</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="243" />
        <source>Energy price</source>
        <translation>電力量料金</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="247" />
        <source> yen/month</source>
        <translation> 円/月</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="249" />
        <source>Basic charge</source>
        <translation>基本料金</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="250" />
        <source>Household</source>
        <translation>家庭</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="256" />
        <source>System language</source>
        <translation>システムの言語</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="260" />
        <source>Language</source>
        <translation>言語</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="261" />
        <source>Start at login</source>
        <translation>ログイン時に起動</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="264" />
        <source>Show notifications</source>
        <translation>通知を表示</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="269" />
        <source>forever</source>
        <translation>無期限</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="270" />
        <source> days</source>
        <translation> 日</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="272" />
        <source>Keep raw readings</source>
        <translation>計測値の保存期間</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="273" />
        <source>General</source>
        <translation>一般</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="300" />
        <source>Output file</source>
        <translation>出力ファイル</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="310" />
        <source>Invalid schedule: %1</source>
        <translation>スケジュールが正しくありません: %1</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="341" />
        <source>Choose the serial port of the Wi-SUN dongle</source>
        <translation>Wi-SUNドングルのシリアルポートを選んでください</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="347" />
        <source>The baud rate must be a positive number</source>
        <translation>ボーレートは正の数で指定してください</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="356" />
        <source>Choose a file for the file output</source>
        <translation>ファイル出力のファイルを選んでください</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="358" />
        <source>Pub/Sub needs a project and a topic</source>
        <translation>Pub/Sub にはプロジェクトとトピックが必要です</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="412" />
        <source>Testing…</source>
        <translation>テスト中…</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="426" />
        <source>Opening the dongle…</source>
        <translation>ドングルを開いています…</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="427" />
        <source>Looking for the meter and authenticating (this can take a minute)…</source>
        <translation>メーターを探して認証しています（1分ほどかかることがあります）…</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="428" />
        <source>Reading the meter…</source>
        <translation>メーターを読み取っています…</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="442" />
        <source>It works: %1</source>
        <translation>接続できました: %1</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/settings_dialog.py" line="444" />
        <source>It did not work: %1</source>
        <translation>接続できませんでした: %1</translation>
    </message>
</context>
<context>
    <name>State</name>
    <message>
        <location filename="../../hems_desktop/gui/text.py" line="13" />
        <source>Stopped</source>
        <translation>停止中</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/text.py" line="14" />
        <source>Opening the dongle</source>
        <translation>ドングルを開いています</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/text.py" line="15" />
        <source>Configuring the dongle</source>
        <translation>ドングルを設定しています</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/text.py" line="16" />
        <source>Looking for the meter</source>
        <translation>メーターを探しています</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/text.py" line="17" />
        <source>Authenticating</source>
        <translation>認証しています</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/text.py" line="18" />
        <source>Connected</source>
        <translation>接続中</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/text.py" line="19" />
        <source>Re-authenticating</source>
        <translation>再認証しています</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/text.py" line="20" />
        <source>Waiting (radio time limit)</source>
        <translation>待機中（送信時間の制限）</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/text.py" line="21" />
        <source>Disconnected</source>
        <translation>切断</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/text.py" line="22" />
        <source>Dongle unplugged</source>
        <translation>ドングルが外れています</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/text.py" line="23" />
        <source>Credentials rejected</source>
        <translation>認証情報が拒否されました</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <location filename="../../hems_desktop/gui/tray.py" line="24" />
        <source>Dashboard</source>
        <translation>ダッシュボード</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/tray.py" line="25" />
        <location filename="../../hems_desktop/gui/tray.py" line="52" />
        <source>Start</source>
        <translation>開始</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/tray.py" line="27" />
        <source>Settings…</source>
        <translation>設定…</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/tray.py" line="28" />
        <source>Open data folder</source>
        <translation>データフォルダーを開く</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/tray.py" line="29" />
        <source>About HEMS Desktop</source>
        <translation>HEMS Desktop について</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/tray.py" line="31" />
        <source>Quit</source>
        <translation>終了</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/tray.py" line="34" />
        <source>HEMS Desktop</source>
        <translation>HEMS Desktop</translation>
    </message>
    <message>
        <location filename="../../hems_desktop/gui/tray.py" line="52" />
        <source>Stop</source>
        <translation>停止</translation>
    </message>
</context>
</TS>