/// Brazilian names and places for the synthetic network.
enum NameLists {
    static let femaleFirstNames = [
        "Ana", "Beatriz", "Camila", "Clara", "Daniela", "Eduarda", "Emanuelly", "Fernanda", "Gabriela", "Giovanna",
        "Helena", "Isabela", "Isadora", "Júlia", "Juliana", "Lara", "Larissa", "Laura", "Letícia", "Lívia",
        "Lorena", "Luana", "Luiza", "Manuela", "Maria", "Mariana", "Melissa", "Natália", "Nicole", "Rafaela",
        "Rebeca", "Sara", "Sophia", "Valentina", "Vitória", "Yasmin", "Alice", "Cecília", "Heloísa", "Ágatha",
        "Bianca", "Carolina", "Débora", "Esther", "Flávia", "Jéssica", "Kamila", "Luna", "Milena", "Patrícia",
    ]

    static let maleFirstNames = [
        "Arthur", "Bernardo", "Bruno", "Caio", "Carlos", "Daniel", "Davi", "Diego", "Eduardo", "Enzo",
        "Felipe", "Gabriel", "Guilherme", "Gustavo", "Heitor", "Henrique", "Igor", "João", "José", "Kauã",
        "Leonardo", "Lucas", "Luiz", "Marcelo", "Mateus", "Miguel", "Murilo", "Nicolas", "Otávio", "Paulo",
        "Pedro", "Rafael", "Renan", "Ricardo", "Rodrigo", "Samuel", "Thiago", "Vinícius", "Vitor", "Wesley",
        "Antônio", "Benício", "Cauã", "Érick", "Fábio", "Joaquim", "Kevin", "Lorenzo", "Ruan", "Yuri",
    ]

    static let surnames = [
        "Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes",
        "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Soares", "Fernandes", "Vieira", "Barbosa",
        "Rocha", "Dias", "Nascimento", "Andrade", "Moreira", "Nunes", "Marques", "Machado", "Mendes", "Freitas",
        "Cardoso", "Ramos", "Gonçalves", "Santana", "Teixeira", "Araújo", "Pinto", "Correia", "Cavalcanti", "Monteiro",
        "Moura", "Batista", "Campos", "Xavier", "Conceição", "Brito", "Farias", "Magalhães", "Sampaio", "Assunção",
    ]

    /// Schools with their network; the first `count` are used.
    static let schools: [(name: String, network: String)] = [
        ("EMEF Professora Maria José de Almeida", "municipal"),
        ("EE Doutor Álvaro Guião", "estadual"),
        ("Colégio Passo a Passo", "privada"),
        ("EMEF Monteiro Lobato", "municipal"),
        ("EE Cecília Meireles", "estadual"),
        ("EMEF Paulo Freire", "municipal"),
    ]

    static let cities = ["Embu-Guaçu", "Itapecerica da Serra", "Embu das Artes", "São Paulo", "Taboão da Serra", "Cotia"]

    /// Subjects in id order; English starts at phase 3.
    static let subjects = ["Português", "Matemática", "Inglês", "Ciências", "História", "Geografia"]

    static let topics: [String: [String]] = [
        "Português": ["Interpretação de texto", "Ortografia", "Produção de texto", "Gramática: verbos", "Leitura de crônicas", "Pontuação", "Gêneros textuais", "Concordância"],
        "Matemática": ["Frações", "Operações com decimais", "Geometria plana", "Problemas de porcentagem", "Equações do 1º grau", "Tabuada", "Medidas e grandezas", "Gráficos e tabelas"],
        "Inglês": ["Vocabulary: school", "Simple present", "Reading comprehension", "Numbers and dates", "Family members", "Daily routine"],
        "Ciências": ["Sistema solar", "Ciclo da água", "Corpo humano", "Ecossistemas", "Estados da matéria", "Alimentação saudável"],
        "História": ["Brasil colonial", "Povos indígenas", "Independência do Brasil", "Revolução Industrial", "História do município", "Antiguidade"],
        "Geografia": ["Relevo brasileiro", "Clima e vegetação", "Cartografia", "Bacias hidrográficas", "Urbanização", "Regiões do Brasil"],
    ]

    static let projects = ["Horta na escola", "Feira de ciências", "Jornal da turma", "Mapa do bairro", "Sarau literário", "Reciclagem e consumo"]
}
